// Removes what podman, conmon, containerd and its shims leave when a step
// fails: processes whose command line names the test's private directory,
// mounts under it, and the cgroups of the test's containerd namespace.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone already */
  }
}

/** Processes (not this one) whose argv mentions `dir`. */
export function processesNaming(dir: string): number[] {
  const out: number[] = [];
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n) || Number(n) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(dir)) out.push(Number(n));
    } catch {
      /* exited */
    }
  }
  return out;
}

export function killProcessesNaming(dir: string): void {
  for (const pid of processesNaming(dir)) kill(pid);
}

export function unmountUnder(dir: string): void {
  const targets = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((t) => t && (t === dir || t.startsWith(dir + '/')))
    .sort((a, b) => b.length - a.length);
  for (const t of targets) {
    try {
      execFileSync('umount', ['-l', t], { stdio: 'ignore' });
    } catch {
      /* went with its parent */
    }
  }
}

/**
 * Kills the processes in, then removes, the cgroup `rel` (a path below each
 * hierarchy's top) and everything below it. Retries for a while: a killed
 * process leaves its cgroup only once it has been reaped.
 */
export function removeCgroupTree(rel: string): void {
  for (let round = 0; round < 30; round++) {
    let left = 0;
    for (const h of readdirSync('/sys/fs/cgroup')) {
      const dirs: string[] = [];
      const walk = (d: string) => {
        try {
          if (!statSync(d).isDirectory()) return;
        } catch {
          return;
        }
        dirs.push(d);
        for (const n of readdirSync(d)) {
          try {
            if (statSync(join(d, n)).isDirectory()) walk(join(d, n));
          } catch {
            /* vanished */
          }
        }
      };
      walk(join('/sys/fs/cgroup', h, rel));
      for (const d of dirs.sort((a, b) => b.length - a.length)) {
        try {
          for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) kill(Number(p));
          rmdirSync(d);
        } catch {
          left++;
        }
      }
    }
    if (left === 0) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

export function removeDir(dir: string): void {
  unmountUnder(dir);
  rmSync(dir, { recursive: true, force: true });
}
