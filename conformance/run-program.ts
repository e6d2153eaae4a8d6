// Runs one crun test program against one runtime: own process group, a
// timeout, stdout/stderr to files (never a pipe: containers started with
// `run -d` inherit it), then the cleanup of whatever it left behind. When a
// test hangs (runc hangs on seccomp-listener), it is recorded as failed and
// the program is run again for the tests after it, so one hang does not
// hide the rest.
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beginSuiteRun, cleanupSuite } from './cleanup';
import type { Outcome, ProgramResult } from './results';
import { PYLIB, PYTHON, SUITE_SRC, SUITE_TESTS, testName, type RuntimeUnderTest } from './suite';
import { parseTap } from './tap';

export interface ProgramOptions {
  /** Per attempt of the program (each rerun after a hang gets it anew). */
  timeoutMs: number;
  /** Directory for <program>.tap and <program>.log. */
  outDir: string;
  /** Only these tests of the program, by their name inside it (the suite's RUN_TESTS). */
  only?: string[];
}

/** The test names a program declares, in its `all_tests = { "name": fn, ... }` order. */
export function declaredTests(program: string): string[] {
  const src = readFileSync(join(SUITE_TESTS, program), 'utf8');
  const table = /^all_tests\s*=\s*\{([\s\S]*?)^\}/m.exec(src);
  if (!table) return [];
  return [...table[1].matchAll(/^\s*"([^"]+)"\s*:/gm)].map((m) => m[1]);
}

/** /tmp/tmp* directories: the suite makes some bundles there (chown_rootfs_to). */
function tmpDirs(): Set<string> {
  return new Set(readdirSync('/tmp').filter((n) => n.startsWith('tmp')).map((n) => join('/tmp', n)));
}

interface Attempt {
  tap: string;
  timedOut: boolean;
  exitCode: number | null;
  leftovers: string[];
}

async function attempt(program: string, rt: RuntimeUnderTest, only: string[] | undefined, timeoutMs: number, logPath: string): Promise<Attempt> {
  const tapPath = `${logPath}.part`;
  const out = openSync(tapPath, 'w');
  const err = openSync(logPath, 'a');
  const tmpBefore = tmpDirs();
  const before = beginSuiteRun();
  const child = spawn(PYTHON, [join('tests', program)], {
    cwd: SUITE_SRC,
    detached: true,
    stdio: ['ignore', out, err],
    env: {
      ...process.env,
      PYTHONUNBUFFERED: '1',
      PYTHONPATH: [SUITE_TESTS, PYLIB].join(':'),
      INIT: join(SUITE_TESTS, 'init'),
      OCI_RUNTIME: rt.shim ?? rt.path,
      CONFORMANCE_RUNTIME: rt.path,
      ...(only ? { RUN_TESTS: only.join(' ') } : {}),
    },
  });
  closeSync(out);
  closeSync(err);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* exited meanwhile */
    }
  }, timeoutMs);
  const exitCode = await new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  clearTimeout(timer);
  // The suite's own bundles: .testsuite-run-<pid> in its cwd, plus /tmp/tmp*
  // directories made during this run that hold a copy of the test init.
  const suiteDirs = [join(SUITE_SRC, `.testsuite-run-${child.pid}`)];
  for (const d of tmpDirs()) if (!tmpBefore.has(d) && existsSync(join(d, 'rootfs/init'))) suiteDirs.push(d);
  const leftovers = cleanupSuite({ ...before, dirs: suiteDirs, init: join(SUITE_TESTS, 'init') });
  const tap = readFileSync(tapPath, 'utf8');
  rmSync(tapPath);
  return { tap, timedOut, exitCode, leftovers };
}

export async function runProgram(program: string, rt: RuntimeUnderTest, opts: ProgramOptions): Promise<ProgramResult> {
  mkdirSync(opts.outDir, { recursive: true });
  const tapPath = join(opts.outDir, program.replace(/\.py$/, '.tap'));
  const logPath = join(opts.outDir, program.replace(/\.py$/, '.log'));
  writeFileSync(tapPath, '');
  writeFileSync(logPath, '');
  const declared = declaredTests(program);
  let pending: string[] | undefined = opts.only;
  const tests: Record<string, Outcome> = {};
  const result: ProgramResult = { program, tests, seconds: 0, timedOut: false, exitCode: null, leftovers: [] };
  const t0 = Date.now();
  for (;;) {
    const a = await attempt(program, rt, pending, opts.timeoutMs, logPath);
    appendFileSync(tapPath, a.tap);
    result.exitCode = a.exitCode;
    result.leftovers.push(...a.leftovers);
    const tap = parseTap(a.tap);
    for (const t of tap.tests) tests[testName(program, t.name)] = t.outcome;
    const expected = (pending ?? declared).filter((n) => !(testName(program, n) in tests));
    if (!a.timedOut) {
      // A program that died, or planned nothing, fails as a whole: without
      // this a crashed program (or test_mounts without libmount) looks green.
      if (tap.planned === undefined || tap.planned === 0 || expected.length > 0) tests[testName(program, '(program)')] = 'fail';
      for (const n of expected) tests[testName(program, n)] = 'fail';
      break;
    }
    result.timedOut = true;
    if (expected.length === 0) break;
    // The first test without a result is the one that hung.
    tests[testName(program, expected[0])] = 'fail';
    appendFileSync(logPath, `conformance: ${expected[0]} timed out after ${opts.timeoutMs / 1000} s\n`);
    pending = expected.slice(1);
    if (pending.length === 0) break;
  }
  result.seconds = (Date.now() - t0) / 1000;
  return result;
}
