// After each test program: remove what a failed or timed-out test left
// behind, so one failure does not hang or skew the programs after it.
// Other engineers run containers (and this suite) on this machine at the
// same time, so this touches only what provably belongs to this run (see
// SuiteRun).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Cgroup names the suite makes: container ids ('test-' + a mkdtemp basename,
 * test_start's 'container-<pid>'), and test_delete's v1 freezer 'frozen',
 * where it parks a container's process frozen to make `delete -f` struggle.
 */
const SUITE_ID = /^(test-tmp[a-z0-9_]{8}|container-\d+|frozen)$/;
const CGROUP_ROOT = '/sys/fs/cgroup';

/** Every distinct cgroup hierarchy mount (v1 controllers and the v2 one). */
export function hierarchies(): string[] {
  const seen = new Set<string>();
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right || !/^cgroup2? /.test(right)) continue;
    const target = left.split(' ')[4];
    if (target.startsWith(CGROUP_ROOT)) seen.add(target);
  }
  return [...seen];
}

/** Cgroup directories (deepest first) whose name is a suite container id. */
export function suiteCgroups(): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number, inSuite: boolean) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      try {
        if (!statSync(p).isDirectory()) continue;
      } catch {
        continue;
      }
      const mine = inSuite || SUITE_ID.test(n);
      if (depth < 4) walk(p, depth + 1, mine);
      if (mine) found.push(p);
    }
  };
  for (const h of hierarchies()) walk(h, 0, false);
  return found.sort((a, b) => b.length - a.length);
}

function pidsOf(cgroup: string): number[] {
  try {
    return readFileSync(join(cgroup, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function thaw(cgroup: string): void {
  for (const [file, value] of [['freezer.state', 'THAWED'], ['cgroup.freeze', '0']]) {
    const p = join(cgroup, file);
    if (existsSync(p)) {
      try {
        writeFileSync(p, value);
      } catch {
        /* the cgroup may vanish while we look */
      }
    }
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Seconds since boot, as /proc/<pid>/stat's start times count them (in ticks of 1/100 s). */
export function uptimeTicks(): number {
  return Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 100);
}

/**
 * What identifies one program run's leftovers. Other engineers may run the
 * suite at the same time (with their own berth), and their containers have
 * names of the same shape, so a process counts as this run's only if its
 * root is inside this run's bundle directories, or it is the suite's init
 * binary started on the host after this run began (the `check-feature`
 * children); a cgroup only if its processes are this run's, or it is empty
 * and did not exist before this run.
 */
export interface SuiteRun {
  dirs: string[];
  init: string;
  startTicks: number;
  cgroupsBefore: Set<string>;
}

export function beginSuiteRun(): Pick<SuiteRun, 'startTicks' | 'cgroupsBefore'> {
  return { startTicks: uptimeTicks(), cgroupsBefore: new Set(suiteCgroups()) };
}

function isOurs(pid: number, prefixes: string[], run: SuiteRun): boolean {
  try {
    const root = readlinkSync(`/proc/${pid}/root`);
    if (prefixes.some((p) => root.startsWith(p))) return true;
    if (readlinkSync(`/proc/${pid}/exe`) !== run.init) return false;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return startTicks >= run.startTicks;
  } catch {
    return false;
  }
}

function startTicksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return -1;
  }
}

function ourProcesses(prefixes: string[], run: SuiteRun): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid)
    .map(Number)
    .filter((pid) => isOurs(pid, prefixes, run));
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Thaws, kills and removes this run's leftover cgroups and processes,
 * unmounts anything left mounted under its directories, then removes them.
 * Returns a description of each thing it had to remove.
 */
export function cleanupSuite(run: SuiteRun): string[] {
  const leftovers: string[] = [];
  // the directories may already be gone (the program removed them while its
  // containers lived on): /proc/<pid>/root then reads '<dir>/... (deleted)'
  const prefixes = run.dirs.map((d) => (existsSync(d) ? realpathSync(d) : d) + '/');
  for (let round = 0; round < 20; round++) {
    const pids = new Set<number>(ourProcesses(prefixes, run));
    const cgroups: string[] = [];
    for (const cg of suiteCgroups()) {
      const inside = pidsOf(cg);
      // A container's process after pivot_root shows no bundle path as its root: one started after this
      // run began, in a suite-named cgroup this run created, is this run's too (runc's test_delete
      // containers whose `delete -f` failed were left running that way).
      const bornInRun = (p: number) => !run.cgroupsBefore.has(cg) && startTicksOf(p) >= run.startTicks;
      const ours = (p: number) => pids.has(p) || isOurs(p, prefixes, run) || bornInRun(p);
      const mine = inside.some(ours);
      if (mine) {
        // a frozen process cannot die: thaw first (test_delete freezes one)
        thaw(cg);
        for (const p of inside) if (ours(p)) pids.add(p);
      }
      if (mine || (inside.length === 0 && !run.cgroupsBefore.has(cg))) cgroups.push(cg);
    }
    if (round === 0) {
      for (const cg of cgroups) leftovers.push(`cgroup ${cg}`);
      for (const pid of pids) leftovers.push(`process ${pid}`);
    }
    for (const pid of pids) kill(pid);
    for (const cg of cgroups) {
      try {
        rmdirSync(cg);
      } catch {
        /* busy until its processes are reaped; next round */
      }
    }
    if (cgroups.length === 0 && pids.size === 0) break;
    sleep(100);
  }
  leftovers.push(...unmountUnder(prefixes));
  for (const d of run.dirs) rmSync(d, { recursive: true, force: true });
  return leftovers;
}

/**
 * A program's own cleanup gives a cgroup two seconds; one a runtime leaves
 * busy longer (runc's and crun's v1 freezer race in test_delete) would then
 * count as "already there" for every later program. So the whole suite run
 * sweeps once more at its end: every empty suite cgroup that was not there
 * when the run began is removed, retrying for up to 20 s (a v1 cgroup a
 * killed runc container left can stay busy for several seconds).
 */
export function sweepSuiteCgroups(before: Set<string>): string[] {
  const removed: string[] = [];
  for (let round = 0; round < 200; round++) {
    const left = suiteCgroups().filter((cg) => !before.has(cg) && pidsOf(cg).length === 0);
    for (const cg of left) {
      try {
        rmdirSync(cg);
        removed.push(cg);
      } catch {
        /* a child directory first, or still settling: next round */
      }
    }
    if (left.length === 0) break;
    sleep(100);
  }
  return removed;
}

/** Lazily unmounts every mount below one of `prefixes`, deepest first; returns them as `mount <path>` lines. */
export function unmountUnder(prefixes: string[]): string[] {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((t) => t && prefixes.some((p) => t.startsWith(p)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      /* already gone with a parent */
    }
  }
  return mounts.map((m) => `mount ${m}`);
}
