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
// container's one before and after the execve. The offsets and that kernel
// behaviour are checked with the rest of the config (helper/spec/rules/timens.ts,
// the probe in helper/spec/host/facts.ts).
import type { Spec } from '../spec/types';

const CLOCKS = ['monotonic', 'boottime'] as const;

/** /proc/self/timens_offsets text for the config's offsets (clocks left out stay at 0). */
export function timeOffsetsText(spec: Spec): string {
  return CLOCKS.map((clock) => {
    const off = spec.linux?.timeOffsets?.[clock];
    return `${clock} ${off?.secs ?? 0} ${off?.nanosecs ?? 0}\n`;
  }).join('');
}
