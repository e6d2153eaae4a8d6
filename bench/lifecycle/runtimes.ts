// The runtimes compared side by side. Each is called exactly as a caller such
// as podman calls it: `<binary> --root <dir> <verb> ...`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cgroup2HoldsControllers } from '../../conformance/host';
import { join, resolve } from 'node:path';
import { NsSpawner } from './nsSpawner';

export interface BenchRuntime {
  name: string;
  /** The program to execute: the runtime, or a shim that execs it. */
  bin: string;
  /** The runtime binary itself. */
  real: string;
  /** Extra environment (the shim's CONFORMANCE_RUNTIME). */
  env?: Record<string, string>;
  /** Why the figures carry a note: what still differs from the other runtimes' calls. */
  note?: string;
  /** Timed calls go through this long-lived process (its mount namespace hides cgroup2); `bin` stays for set-up and cleanup. */
  spawner?: NsSpawner;
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
          spawner: NsSpawner.start(),
          note:
            "crun (1.8 refuses this host's hybrid cgroups) is spawned and timed by one long-lived Node process in a mount namespace without /sys/fs/cgroup/unified (bench/lifecycle/nsSpawner.mjs), the same spawn-to-exit timing as berth and runc get; what still differs: its containers see that mount namespace, and each call's request/answer crosses a pipe (in the cycle's wall time, not in a verb's)",
        }
      : { name: 'crun', bin: '/usr/bin/crun', real: '/usr/bin/crun' },
  );
  const berth = process.env.BERTH_BIN ?? join(REPO, 'dist/berth');
  add({ name: 'berth', bin: berth, real: berth });
  return { found, missing };
}

/** Stops what benchRuntimes started (crun's spawner). */
export function stopRuntimes(rts: BenchRuntime[]): void {
  for (const r of rts) r.spawner?.stop();
}
