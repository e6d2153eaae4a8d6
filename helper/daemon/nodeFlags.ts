// The Node flags berthd runs under: the one list every launcher uses (the
// systemd unit, the bench, the tests), and that berthd applies to itself by
// re-executing when it was started without them (`node dist/berthd.js` by
// hand, `berth daemon`, which loads berthd into the CLI's process).
//
// berthd is a long-lived process whose JavaScript is mostly glue between
// sockets, files and syscalls; its cost is idle memory, not CPU. Measured
// on this 2-core VM (idle, Node 20, bench/daemon): 61–62 MB with Node's
// defaults; each flag's share:
//   --max-semi-space-size=1   the young generation's two halves at 1 MB, not 8 (-1 MB idle; more under bursts)
//   --v8-pool-size=1          one V8 worker thread, not one per core (its stack and malloc arena)
//   --no-opt                  no TurboFan: its code and zones are never touched (-4 MB)
//   --no-sparkplug            no baseline code either: bytecode only (-1 MB)
//   --optimize-for-size       V8's smaller-but-slower choices (compact maps, earlier GC)
// Together about 53 MB idle. What berthd runs per request is dominated by
// syscalls and child processes; interpreted JS costs little there: 100
// concurrent runs took 650 ms of berthd's CPU with these flags, 690 ms
// without (bench/daemon/README.md has the cycle times side by side). The
// re-execution costs one more Node start-up (~75 ms to a listening socket).
import { execve, keepAcrossExec } from '../linux/exec';

export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--v8-pool-size=1', '--no-opt', '--no-sparkplug', '--optimize-for-size'];

/** Set on the re-executed berthd, so a Node that drops a flag cannot make it loop. */
const APPLIED_ENV = 'BERTHD_NODE_FLAGS_APPLIED';

/** The argv that starts berthd's script under NODE_FLAGS (extra Node flags after them, so they can override). */
export function berthdArgv(script: string, args: string[], extraNodeFlags: string[] = []): string[] {
  return [...NODE_FLAGS, ...extraNodeFlags, script, ...args];
}

/** True when this process was started with every flag of NODE_FLAGS. */
export function hasNodeFlags(execArgv: readonly string[] = process.execArgv): boolean {
  return NODE_FLAGS.every((f) => execArgv.includes(f));
}

/**
 * Replaces this process with `node NODE_FLAGS script args` when the flags are
 * missing (same pid, so a supervisor or a test still signals the right
 * process). Returns only when nothing had to be done.
 */
export function applyNodeFlags(script: string, args: string[]): void {
  if (hasNodeFlags() || process.env[APPLIED_ENV]) return;
  const env = Object.entries({ ...process.env, [APPLIED_ENV]: '1' }).map(([k, v]) => `${k}=${v ?? ''}`);
  // Node marks its stdio close-on-exec at start-up; the new berthd must keep stderr (its log).
  keepAcrossExec(2);
  execve(process.execPath, [process.execPath, ...process.execArgv, ...berthdArgv(script, args)], env);
}
