// Where crun's suite lives once conformance/fetch-suite.sh has run, and the
// runtimes it can be pointed at. runc goes through crun-flags-shim.sh
// because the suite passes crun-only flags (`--cgroup-manager`, `--config`);
// crun goes through hide-cgroup2-shim.sh when this machine's cgroup2 mount
// holds a controller (crun refuses such hybrid layouts); berth is called
// directly, as podman would call it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { cgroup2HoldsControllers } from './host';

export const REPO = resolve(__dirname, '..');
export const CACHE = process.env.BERTH_CONFORMANCE_CACHE ?? join(REPO, '.cache/conformance');
export const SUITE_SRC = join(CACHE, 'crun');
export const SUITE_TESTS = join(SUITE_SRC, 'tests');
export const PYLIB = join(__dirname, 'pylib');
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export interface RuntimeUnderTest {
  name: string;
  /** The real binary. */
  path: string;
  /** The program the suite calls as OCI_RUNTIME: the binary or a shim that execs it. */
  shim?: string;
}


export function runtimeNamed(nameOrPath: string): RuntimeUnderTest {
  switch (nameOrPath) {
    case 'runc':
      return { name: 'runc', path: '/usr/sbin/runc', shim: join(__dirname, 'crun-flags-shim.sh') };
    case 'crun':
      return { name: 'crun', path: '/usr/bin/crun', shim: cgroup2HoldsControllers() ? join(__dirname, 'hide-cgroup2-shim.sh') : undefined };
    case 'berth':
      return { name: 'berth', path: process.env.BERTH_BIN ?? join(REPO, 'dist/berth') };
    default:
      return { name: basename(nameOrPath), path: resolve(nameOrPath) };
  }
}

export function runtimeVersion(rt: RuntimeUnderTest): string {
  try {
    return execFileSync(rt.path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).split('\n')[0].trim();
  } catch (e) {
    return `unknown (${(e as Error).message.split('\n')[0]})`;
  }
}

/** Runs fetch-suite.sh unless the suite is already built in the cache. */
export function ensureSuite(): void {
  if (existsSync(join(SUITE_TESTS, 'init')) && existsSync(join(SUITE_TESTS, 'test_start.py'))) return;
  execFileSync(join(__dirname, 'fetch-suite.sh'), [CACHE], { stdio: 'inherit' });
}

/** Every tests/test_*.py, sorted. */
export function allPrograms(): string[] {
  return readdirSync(SUITE_TESTS)
    .filter((f) => /^test_.*\.py$/.test(f))
    .sort();
}

/** "test_delete.py" + "simple-delete" → "delete/simple-delete". */
export function testName(program: string, test: string): string {
  return `${program.replace(/^test_/, '').replace(/\.py$/, '')}/${test}`;
}
