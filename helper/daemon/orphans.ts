// Finds the init of a half-created container. Until the runtime writes
// state.json nothing records the init's pid, so a berthd killed in the
// middle of create leaves an init that `delete` cannot see — blocked on the
// container's exec.fifo. Scanning /proc for the process holding that fifo
// open finds it; only recovery and failed creates pay for the scan.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Pids of processes with an open fd on path (as /proc shows it, deleted or not). */
export function holdersOf(path: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${name}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${name}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target === path || target === `${path} (deleted)`) {
        out.push(Number(name));
        break;
      }
    }
  }
  return out;
}

/** SIGKILLs pids and waits (up to timeoutMs) until they are gone or zombies, so their cgroup can be removed. */
export async function killAll(pids: number[], timeoutMs = 3000): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (pids.some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
