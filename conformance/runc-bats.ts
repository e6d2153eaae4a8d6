// runc's own integration tests (tests/integration/*.bats from Debian's runc
// source package, fetched by fetch-runc-bats.sh) against any runc-compatible
// binary: bats calls `$RUNC --root <tmp>/state <verb> …`. Each bats file runs
// under `script -qec` (many tests `runc run` a terminal bundle in the
// foreground and need a controlling tty), with a per-test timeout, in its own
// TMPDIR, and is cleaned up after (containers deleted, frozen cgroups thawed,
// processes killed, mounts undone). See ../shared/notes/runc-bats.md.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hierarchies, unmountUnder } from './cleanup';
import type { Outcome } from './results';
import { CACHE, REPO } from './suite';

export const RUNC_SRC = join(CACHE, 'runc');
export const BATS_DIR = join(RUNC_SRC, 'tests/integration');
export const BATS_RESULTS_DIR = join(CACHE, 'results-bats');

/**
 * The files this machine cannot run (Debian 12, cgroup v1 hybrid, no
 * systemd, offline), or that test runc's own words rather than its
 * behaviour. Every other tests/integration/*.bats is run.
 */
export const EXCLUDED_FILES: Record<string, string> = {
  'checkpoint.bats': 'criu fails on this machine (for runc too); berth does not implement checkpoint/restore',
  'mounts_sshfs.bats': 'needs sshfs and an ssh server to localhost',
  'seccomp-notify.bats': 'needs contrib/cmd/seccompagent, whose Go dependencies Debian does not package',
  'seccomp-notify-compat.bats': 'needs contrib/cmd/seccompagent (as seccomp-notify.bats)',
  'cgroup_delegation.bats': 'cgroup v2 only (this machine is cgroup v1 hybrid)',
  'userns.bats': 'needs idmapped mounts on cgroup2 setups this machine lacks',
  'help.bats': "checks runc's own help text",
  'version.bats': "checks runc's own version text (commit, spec version, libseccomp lines)",
  'debug.bats': "checks runc's own debug messages (\"nsexec container setup\", \"child process in init()\")",
};

/** Files whose tests call a bare `wait`: bats' timeout watchdog is a background job of the test shell, so the test would always "time out". */
const NO_TEST_TIMEOUT = new Set(['events.bats']);

/**
 * runc passes these here and berth fails them on purpose (the gate accepts
 * them). Names are "<file>/<test name>". berth's one deliberate difference,
 * `delete` of a *created* container without --force is an error (as
 * runtime.md requires; runc deletes it), is exercised by no test of this
 * subset: every bats `delete` without --force is of a stopped container.
 */
export const DELIBERATE: Record<string, string> = {};

/** Tests of runc's own words rather than its behaviour, inside files that are otherwise run (as debug.bats, excluded whole). */
export const RUNC_OWN_WORDS: Record<string, string> = {
  'exec.bats/runc --debug exec': 'greps runc\'s own debug messages ("nsexec container setup", "setns_init: about to exec")',
  'exec.bats/runc --debug --log exec': 'greps runc\'s own debug messages in the --log file',
};

/**
 * runc passes these here and berth does not yet: the to-do list. The gate
 * accepts them so that it is green, and prints any that berth now passes
 * (take them off) — each with a one-line reason. Several need files outside
 * helper/cli/ (the runtime, init, cgroups, spec rules).
 */
export const KNOWN_FAILURES: Record<string, string> = {
  'cgroups.bats/runc run (cgroup v1 + unified resources should fail)':
    'on cgroup v1 berth warns and then fails writing memory.min into the cgroup2 mount; runc refuses the config up front with "invalid configuration"',
  'cgroups.bats/runc exec (cgroup v1+hybrid joins correct cgroup)': "exec'd process stays in the root cgroup on v1 hybrid instead of joining the container's (helper/runtime/exec-cgroup.ts)",
  'cgroups.bats/runc exec should refuse a paused container': 'the message is "cannot exec in container `ct1`: it is paused"; runc\'s callers grep "cannot exec in a paused container" (helper/runtime/exec.ts)',
  'cgroups.bats/runc exec --ignore-paused': 'exec --ignore-paused is accepted but ignored: exec of a paused container is refused (helper/runtime/exec.ts)',
  'cgroups.bats/runc run/create should warn about a non-empty cgroup': 'berth refuses a cgroup that already holds processes; runc warns and goes on (helper/runtime/create.ts)',
  'cgroups.bats/runc run/create should refuse pre-existing frozen cgroup':
    'berth moves the init into a FROZEN cgroup and hangs there; runc refuses with "container\'s cgroup unexpectedly frozen" (helper/runtime/create.ts)',
  'cwd.bats/runc exec --user with no access to cwd': "exec --user 0 chdirs to the process's cwd before taking the user, EACCES (helper/init)",
  'delete.bats/runc delete --force in cgroupv1 with subcgroups':
    'berth spec already lists a cgroup namespace and the test adds another: berth refuses the duplicate, runc 1.1 accepts it (helper/spec rules)',
  'dev.bats/runc run/update [device cgroup deny]': 'a device deny rule (default deny, no allow) is not enforced on v1: writing /dev/kmsg succeeds (helper/linux/cgroups)',
  'exec.bats/runc exec --cgroup sub-cgroups [v1]': 'exec --cgroup is accepted but ignored (helper/runtime/exec-cgroup.ts)',
  'mask.bats/mask paths [prohibit symlink /proc]': 'a rootfs whose /proc is a symlink is run; runc refuses "must be mounted on ordinary directory" (security rule, helper/init)',
  'mask.bats/mask paths [prohibit symlink /sys]': 'a rootfs whose /sys is a symlink is run; runc refuses it (security rule, helper/init)',
  'mounts.bats/runc run [ro /dev mount]': 'a read-only /dev mount: berth makes /dev/pts after remounting read-only, EROFS (helper/init)',
  'no_pivot.bats/runc run --no-pivot must not expose bare /proc': 'with --no-pivot the container can mount a bare /proc (runc: "mount: permission denied") (helper/init)',
  'seccomp.bats/runc run [seccomp -ENOSYS handling]': "syscalls unknown to libseccomp are dropped with a warning, not given runc's -ENOSYS stub (helper/linux seccomp)",
  'seccomp.bats/runc run [seccomp defaultErrnoRet=ENXIO]': 'fails with the -ENOSYS case above (same unknown-syscall profile)',
  'seccomp.bats/runc run [seccomp] (startContainer hook)': 'a seccomp profile with a startContainer hook fails (hook runs after seccomp is loaded)',
  'tty.bats/runc run [tty owner] ({u,g}id != 0)': "the console is owned by 0:5, not the process's uid/gid (helper/init)",
  'tty.bats/runc exec [tty owner] ({u,g}id != 0)': "the exec console is owned by 0:5, not the process's uid/gid",
  'tty.bats/runc exec [tty consolesize]': 'exec -p with a process without user is refused; runc uses 0:0 (helper/runtime/exec-process.ts validate)',
  'update.bats/update cgroup v1/v2 common limits': 'update --memory -1 while a memory+swap limit is set is refused ("set swap as well"); runc lifts both (helper/linux/cgroups)',
  'update.bats/update cpu period in a pod cgroup with pod limit set': "the kernel refuses berth's write order of period and quota under a limited parent (helper/linux/cgroups)",
  'update.bats/update devices [minimal transition rules]': 'device rule updates on v1 do not apply the minimal transition runc makes (helper/linux/cgroups)',
};

/**
 * Files the CI gate leaves out to stay near 12 minutes on 2 cores (all 27
 * took 16 min there under a load of 6-9, runc 6, berth 10): berth passes
 * every test in them that runc passes, they are the lifecycle basics that
 * crun's suite and test/runtime also drive, or runc fails them here.
 * `npx tsx conformance/run-bats.ts runc berth` and BERTH_BATS_FILES=all run them.
 */
export const GATE_LEAVES_OUT: Record<string, string> = {
  'hooks.bats': 'fails for runc too here (wants the Debian image; the busybox stand-in lacks /lib): never counts',
  'events.bats': 'events --stats/--interval/oom, 41 s for both runtimes; berth passes all 5',
  'state.bats': 'state of each status; berth passes both (test/runtime/lifecycle.test.ts too)',
  'list.bats': 'list formats; berth passes (test/runtime/lifecycle.test.ts too)',
  'start.bats': 'create then start; berth passes (crun suite: start)',
  'root.bats': '--root separation; berth passes',
  'run.bats': 'run --keep; berth passes all 3',
  'create.bats': 'create/start basics; berth passes all 4 (crun suite and test/runtime too)',
  'mounts_recursive.bats': 'rro bind mounts; berth passes all 3',
};

/** What test/conformance/runc-bats.test.ts runs by default. */
export function gateFiles(): string[] {
  return batsFiles().filter((f) => !(f in GATE_LEAVES_OUT));
}

export function batsFiles(): string[] {
  return readdirSync(BATS_DIR)
    .filter((f) => f.endsWith('.bats') && !(f in EXCLUDED_FILES))
    .sort();
}

/** Runs fetch-runc-bats.sh unless the tests, recvtty and the image are in the cache. */
export function ensureBats(): void {
  if (existsSync(join(RUNC_SRC, 'contrib/cmd/recvtty/recvtty')) && existsSync(join(BATS_DIR, 'testdata/busybox-amd64.tar.xz'))) return;
  execFileSync(join(REPO, 'conformance/fetch-runc-bats.sh'), [CACHE], { stdio: 'inherit' });
}

export interface BatsRuntime {
  name: string;
  /** What bats gets as $RUNC. */
  path: string;
}

export function batsRuntime(nameOrPath: string): BatsRuntime {
  if (nameOrPath === 'runc') return { name: 'runc', path: '/usr/sbin/runc' };
  if (nameOrPath === 'crun') return { name: 'crun', path: '/usr/bin/crun' };
  if (nameOrPath === 'berth') return { name: 'berth', path: process.env.BERTH_BIN ?? join(REPO, 'dist/berth') };
  return { name: nameOrPath.split('/').pop()!, path: nameOrPath };
}

export interface FileResult {
  file: string;
  tests: Record<string, Outcome>;
  seconds: number;
  timedOut: boolean;
  leftovers: string[];
}

export interface BatsResult {
  runtime: string;
  path: string;
  files: FileResult[];
  seconds: number;
}

// bats' TAP: "ok 3 name", "ok 4 name # skip (why)", "not ok 5 name # timeout after 60s"
const TAP = /^(ok|not ok) \d+ (.*?)(?: # (skip|timeout)\b.*)?$/;

export function parseBatsTap(file: string, text: string): { planned?: number; tests: Record<string, Outcome> } {
  const tests: Record<string, Outcome> = {};
  let planned: number | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const plan = /^1\.\.(\d+)$/.exec(line);
    if (plan) planned = Number(plan[1]);
    const m = TAP.exec(line);
    if (!m) continue;
    tests[`${file}/${m[2]}`] = m[1] === 'not ok' ? 'fail' : m[3] === 'skip' ? 'skip' : 'pass';
  }
  return { planned, tests };
}

/** The @test names a file declares, in order. */
export function declaredBatsTests(file: string): string[] {
  const src = readFileSync(join(BATS_DIR, file), 'utf8');
  return [...src.matchAll(/^@test "(.*)" \{/gm)].map((m) => `${file}/${m[1].replace(/\\"/g, '"')}`);
}

// ---- cleanup ---------------------------------------------------------------

/** Cgroup names the bats files give containers: their ids (no cgroupsPath), and helpers.bash's parent. */
const BATS_CGROUP = /^(test[A-Za-z0-9_]*|ct\d+|runc-cgroups-integration-test)$/;

/** A directory's entries, or none when it cannot be read (gone meanwhile). */
function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Top-level cgroups named as the bats files name theirs. */
function batsCgroups(): Set<string> {
  const out = new Set<string>();
  for (const h of hierarchies()) for (const n of entries(h)) if (BATS_CGROUP.test(n)) out.add(join(h, n));
  return out;
}

function subtree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of entries(d)) if (isDir(join(d, n))) walk(join(d, n));
    out.push(d);
  };
  walk(dir);
  return out; // deepest first
}

function tryWrite(p: string, v: string): void {
  try {
    if (existsSync(p)) writeFileSync(p, v);
  } catch {
    /* vanished or refused */
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Every process below pid (children, grandchildren…), pid itself last. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid)!.push(Number(n));
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) walk(c);
    out.push(p);
  };
  walk(pid);
  return out;
}

/** Thaws cgroup `cg` (v1 freezer or v2) and SIGKILLs the processes in it: a frozen one would hold them (and bats) forever. */
function thawAndKill(cg: string): void {
  tryWrite(join(cg, 'freezer.state'), 'THAWED');
  tryWrite(join(cg, 'cgroup.freeze'), '0');
  for (const p of procsOf(cg)) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Thaws the cgroups the file made and kills the processes in them. */
function unstick(cgroupsBefore: Set<string>): void {
  for (const top of [...batsCgroups()].filter((c) => !cgroupsBefore.has(c))) {
    for (const cg of subtree(top)) {
      thawAndKill(cg);
    }
  }
}

function procsOf(cg: string): number[] {
  try {
    return readFileSync(join(cg, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * After a file: delete every container left in the file's state roots
 * (resuming paused ones first), then thaw, kill and remove the cgroups the
 * file made (named as bats names them, and not there before it), unmount
 * what is left under its TMPDIR and remove it.
 */
function cleanupFile(rt: BatsRuntime, tmp: string, cgroupsBefore: Set<string>): string[] {
  const leftovers: string[] = [];
  const roots: string[] = [];
  const findState = (d: string, depth: number) => {
    for (const n of entries(d)) {
      if (n === 'state') roots.push(join(d, n));
      else if (depth < 2 && isDir(join(d, n))) findState(join(d, n), depth + 1);
    }
  };
  findState(tmp, 0);
  for (const root of roots) {
    for (const id of entries(root).filter((n) => isDir(join(root, n)))) {
      leftovers.push(`container ${id}`);
      for (const verb of [['resume', id], ['delete', '--force', id]]) {
        try {
          execFileSync(rt.path, ['--root', root, ...verb], { stdio: 'ignore', timeout: 20_000 });
        } catch {
          /* already running, or gone */
        }
      }
    }
  }
  for (let round = 0; round < 50; round++) {
    const mine = [...batsCgroups()].filter((c) => !cgroupsBefore.has(c));
    if (mine.length === 0) break;
    for (const top of mine) {
      if (round === 0) leftovers.push(`cgroup ${top}`);
      for (const cg of subtree(top)) {
        thawAndKill(cg);
        try {
          rmdirSync(cg);
        } catch {
          /* busy until reaped: next round */
        }
      }
    }
    sleep(100);
  }
  leftovers.push(...unmountUnder([tmp + '/']));
  rmSync(tmp, { recursive: true, force: true });
  return leftovers;
}

// ---- running -----------------------------------------------------------------

export interface BatsOptions {
  files?: string[];
  /** bats' BATS_TEST_TIMEOUT, seconds. */
  testTimeoutS?: number;
  /** Only these tests (bats --filter, a regex on the name). */
  filter?: string;
  outDir?: string;
  log?: (line: string) => void;
}

/**
 * One bats file at a time on the machine: files of two runs (two checkouts'
 * gates) use the same container ids and cgroup names (test_busybox, ...),
 * and each file's cleanup removes the bats-named cgroups made while it ran.
 * A directory made with mkdir is the lock; a holder that died leaves its pid
 * in it and the lock is taken over.
 */
const MACHINE_LOCK = '/run/lock/berth-runc-bats';

export async function machineLock(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(MACHINE_LOCK);
      writeFileSync(join(MACHINE_LOCK, 'pid'), String(process.pid));
      return () => rmSync(MACHINE_LOCK, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(join(MACHINE_LOCK, 'pid'), 'utf8'));
    } catch {
      /* being made or removed */
    }
    const stale = holder > 0 ? !existsSync(`/proc/${holder}`) : Date.now() - (statSync(MACHINE_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 10_000;
    if (stale) rmSync(MACHINE_LOCK, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function runBatsFile(rt: BatsRuntime, file: string, opts: BatsOptions = {}): Promise<FileResult> {
  const unlock = await machineLock();
  try {
    return await runBatsFileLocked(rt, file, opts);
  } finally {
    unlock();
  }
}

async function runBatsFileLocked(rt: BatsRuntime, file: string, opts: BatsOptions): Promise<FileResult> {
  const outDir = join(opts.outDir ?? BATS_RESULTS_DIR, rt.name);
  mkdirSync(outDir, { recursive: true });
  const tapPath = join(outDir, file.replace(/\.bats$/, '.tap'));
  const testTimeout = opts.testTimeoutS ?? 60;
  const declared = declaredBatsTests(file);
  const tmp = mkdtempSync('/tmp/berth-bats-');
  const cgroupsBefore = batsCgroups();
  const t0 = Date.now();
  const out = openSync(tapPath, 'w');
  const filter = opts.filter ? ` --filter '${opts.filter.replace(/'/g, `'\\''`)}'` : '';
  // Never a pipe for output: containers started with run -d inherit it.
  const child = spawn('script', ['-qec', `bats --tap${filter} ${file}`, '/dev/null'], {
    cwd: BATS_DIR,
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      RUNC: rt.path,
      TMPDIR: tmp,
      ...(NO_TEST_TIMEOUT.has(file) ? { BATS_TEST_TIMEOUT: '' } : { BATS_TEST_TIMEOUT: String(testTimeout) }),
    },
  });
  closeSync(out);
  let timedOut = false;
  const killTree = () => {
    for (const p of descendants(child.pid!)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  };
  // The whole file: every test its timeout, plus a minute.
  const fileTimeoutMs = (declared.length * testTimeout + 60) * 1000;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree();
  }, fileTimeoutMs);
  // bats' own timeout kills the test shell's children, but not a container
  // process that holds the output pipe of `run` (a container left in a
  // FROZEN cgroup does, and `$(...)` then waits forever): when the TAP has
  // not grown for the test timeout and ten seconds, thaw and kill what the
  // file's containers hold so bats can go on; a minute later, end the file.
  let lastSize = -1;
  let lastChange = Date.now();
  let unstuckAt = 0;
  const stall = setInterval(() => {
    const size = statSync(tapPath).size;
    if (size !== lastSize) {
      lastSize = size;
      lastChange = Date.now();
      unstuckAt = 0;
      return;
    }
    const idle = Date.now() - lastChange;
    if (idle > (testTimeout + 10) * 1000 && unstuckAt === 0 && !NO_TEST_TIMEOUT.has(file)) {
      unstuckAt = Date.now();
      unstick(cgroupsBefore);
    } else if (unstuckAt && Date.now() - unstuckAt > 60_000) {
      timedOut = true;
      killTree();
    }
  }, 5000);
  await new Promise<void>((res) => child.on('exit', () => res()));
  clearTimeout(timer);
  clearInterval(stall);
  const tap = parseBatsTap(file, readFileSync(tapPath, 'utf8'));
  const tests: Record<string, Outcome> = {};
  const chosen = opts.filter ? declared.filter((n) => new RegExp(opts.filter!).test(n.slice(file.length + 1))) : declared;
  for (const n of chosen) tests[n] = tap.tests[n] ?? 'fail'; // never reported: the file died or timed out
  for (const [n, o] of Object.entries(tap.tests)) tests[n] = o;
  const leftovers = cleanupFile(rt, tmp, cgroupsBefore);
  return { file, tests, seconds: (Date.now() - t0) / 1000, timedOut, leftovers };
}

export function countOutcomes(tests: Record<string, Outcome>): Record<Outcome, number> {
  const c: Record<Outcome, number> = { pass: 0, fail: 0, skip: 0 };
  for (const o of Object.values(tests)) c[o]++;
  return c;
}

export function allOutcomes(r: BatsResult): Map<string, Outcome> {
  const m = new Map<string, Outcome>();
  for (const f of r.files) for (const [n, o] of Object.entries(f.tests)) m.set(n, o);
  return m;
}

export async function runBats(rt: BatsRuntime, opts: BatsOptions = {}): Promise<BatsResult> {
  ensureBats();
  const files = opts.files ?? batsFiles();
  const result: BatsResult = { runtime: rt.name, path: rt.path, files: [], seconds: 0 };
  const t0 = Date.now();
  for (const file of files) {
    const f = await runBatsFile(rt, file, opts);
    result.files.push(f);
    const c = countOutcomes(f.tests);
    const extra = [f.timedOut ? 'TIMED OUT' : '', f.leftovers.length ? `cleaned ${f.leftovers.length} leftovers` : ''].filter(Boolean).join(', ');
    opts.log?.(`${rt.name} ${file.padEnd(24)} ${String(c.pass).padStart(3)} pass ${String(c.fail).padStart(3)} fail ${String(c.skip).padStart(3)} skip ${f.seconds.toFixed(1).padStart(6)} s${extra ? '  ' + extra : ''}`);
  }
  result.seconds = (Date.now() - t0) / 1000;
  mkdirSync(opts.outDir ?? BATS_RESULTS_DIR, { recursive: true });
  writeFileSync(join(opts.outDir ?? BATS_RESULTS_DIR, `${rt.name}.json`), JSON.stringify(result, null, 2) + '\n');
  return result;
}

/** Side by side, one row per test: outcome per runtime. */
export function sideBySide(results: BatsResult[]): string {
  const maps = results.map(allOutcomes);
  const names = [...new Set(maps.flatMap((m) => [...m.keys()]))];
  const w = Math.min(90, Math.max(...names.map((n) => n.length)));
  const lines = [`${'test'.padEnd(w)}  ${results.map((r) => r.runtime.padEnd(6)).join(' ')}`];
  for (const n of names) lines.push(`${n.slice(0, w).padEnd(w)}  ${maps.map((m) => (m.get(n) ?? '-').padEnd(6)).join(' ')}`);
  const totals = results.map((r) => {
    const c = countOutcomes(Object.fromEntries(allOutcomes(r)));
    return `${r.runtime}: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped in ${r.seconds.toFixed(0)} s`;
  });
  return [...lines, '', ...totals].join('\n');
}
