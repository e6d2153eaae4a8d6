// A new time namespace (linux.namespaces type `time` without a path) with the
// config's timeOffsets, to the nanosecond.
//
// Where it is made: by the init itself, not by a trampoline. A time
// namespace's offsets can be written (/proc/<pid>/timens_offsets, "<clock>
// <secs> <nanosecs>") only between unshare(CLONE_NEWTIME) and the moment the
// first process enters it, and util-linux unshare(1) — the trampoline for
// user namespaces — takes whole seconds only (`--monotonic 1.5` is "failed to
// parse") and enters the namespace itself right after writing them. Unlike
// user namespaces, unshare(CLONE_NEWTIME) does not need a single-threaded
// caller (measured here: it succeeds on Node's main thread), and the unsharing
// process stays outside: only its time_for_children changes, and its children
// enter at fork and the process itself at its next execve. So the init, after
// it became root of its user namespace (which so owns the time namespace),
// unshares it, writes both offsets with nanoseconds, and the container's
// process enters it with the init's final execve (hooks the init forks enter
// it too). That execve step is what the kernel must do: probed once per
// process below (`unshare --time -- readlink /proc/self/ns/time` must print a
// namespace other than ours; it does on this host's 6.18 kernel). A created,
// not yet started container's init is still in the host's time namespace, so
// `berth exec` joins /proc/<pid>/ns/time_for_children, which is the
// container's one before and after the execve.
import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import type { Finding } from '../spec/finding';
import type { Spec } from '../spec/types';
import { UNSHARE } from './userns';

const CLOCKS = ['monotonic', 'boottime'] as const;
const NSEC_PER_SEC = 1_000_000_000;
const READLINK = '/bin/readlink';

/** The new time namespace the config asks for, with its index in linux.namespaces; undefined when none or joined by path. */
function newTimeNs(spec: Spec): number | undefined {
  const i = (spec.linux?.namespaces ?? []).findIndex((n) => n.type === 'time' && n.path === undefined);
  return i < 0 ? undefined : i;
}

/** Config and host checks for a new time namespace, each naming its field (run with the config's other checks, precheck.ts). */
export function timeFindings(spec: Spec): Finding[] {
  const out: Finding[] = [];
  const at = newTimeNs(spec);
  if (at === undefined) return out;
  const err = (pointer: string, message: string, code = 'runtime/time-offsets') => out.push({ pointer, code, severity: 'error', message });
  for (const [clock, off] of Object.entries(spec.linux?.timeOffsets ?? {})) {
    const p = `/linux/timeOffsets/${clock}`;
    if (!(CLOCKS as readonly string[]).includes(clock)) err(p, `unknown clock \`${clock}\` (monotonic or boottime)`);
    else if (off.secs !== undefined && !Number.isSafeInteger(off.secs)) err(`${p}/secs`, `${off.secs} is not a whole number of seconds`);
    else if (off.nanosecs !== undefined && !(Number.isInteger(off.nanosecs) && off.nanosecs >= 0 && off.nanosecs < NSEC_PER_SEC)) {
      err(`${p}/nanosecs`, `${off.nanosecs} is out of range: nanoseconds go from 0 to 999999999 (whole seconds belong in secs)`);
    }
  }
  if (!execEntersTimeNs()) err(`/linux/namespaces/${at}`, 'this kernel does not move a process into its new time namespace at execve, which berth relies on to set offsets with nanoseconds', 'host/time-namespace');
  return out;
}

/** /proc/self/timens_offsets text for the config's offsets (clocks left out stay at 0). */
export function timeOffsetsText(spec: Spec): string {
  return CLOCKS.map((clock) => {
    const off = spec.linux?.timeOffsets?.[clock];
    return `${clock} ${off?.secs ?? 0} ${off?.nanosecs ?? 0}\n`;
  }).join('');
}

let probed: boolean | undefined;

/** False only when the kernel was seen not to do it; true when it does or the probe could not run (an unprivileged caller cannot unshare). */
function execEntersTimeNs(): boolean {
  if (probed === undefined) {
    const r = spawnSync(UNSHARE, ['--time', '--', READLINK, '/proc/self/ns/time'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const seen = r.stdout?.trim() ?? '';
    probed = r.status !== 0 || !/^time:\[\d+\]$/.test(seen) || seen !== readlinkSync('/proc/self/ns/time');
  }
  return probed;
}
