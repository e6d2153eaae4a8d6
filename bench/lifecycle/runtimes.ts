// The runtimes compared side by side. Each is called exactly as a caller such
// as podman calls it: `<binary> --root <dir> <verb> ...`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cgroup2HoldsControllers } from '../../conformance/host';
import { join, resolve } from 'node:path';

export interface BenchRuntime {
  name: string;
  /** The program to execute: the runtime, or a shim that execs it. */
  bin: string;
  /** The runtime binary itself. */
  real: string;
  /** Extra environment (the shim's CONFORMANCE_RUNTIME). */
  env?: Record<string, string>;
  /** Why the figures carry a note, e.g. a shim in front of the binary. */
  note?: string;
}

const REPO = resolve(__dirname, '../..');
const HIDE_CGROUP2 = join(REPO, 'conformance/hide-cgroup2-shim.sh');


function works(rt: BenchRuntime): boolean {
  try {
    execFileSync(rt.bin, ['--version'], { stdio: 'ignore', timeout: 10_000, env: { ...process.env, ...rt.env } });
    return true;
  } catch {
    return false;
  }
}

/** runc, crun and berth, each only if it is installed / built and answers --version. */
export function benchRuntimes(): { found: BenchRuntime[]; missing: string[] } {
  const found: BenchRuntime[] = [];
  const missing: string[] = [];
  const add = (rt: BenchRuntime) => (existsSync(rt.real) && works(rt) ? found.push(rt) : missing.push(rt.name));
  add({ name: 'runc', bin: '/usr/sbin/runc', real: '/usr/sbin/runc' });
  add(
    cgroup2HoldsControllers()
      ? {
          name: 'crun',
          bin: HIDE_CGROUP2,
          real: '/usr/bin/crun',
          env: { CONFORMANCE_RUNTIME: '/usr/bin/crun' },
          note: 'crun runs through conformance/hide-cgroup2-shim.sh (crun 1.8 refuses this host\'s hybrid cgroups); each crun call pays the shim',
        }
      : { name: 'crun', bin: '/usr/bin/crun', real: '/usr/bin/crun' },
  );
  const berth = process.env.BERTH_BIN ?? join(REPO, 'dist/berth');
  add({ name: 'berth', bin: berth, real: berth });
  return { found, missing };
}
