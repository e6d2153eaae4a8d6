// A new time namespace's offsets (linux.timeOffsets with a `time` namespace
// of the container's own): values the init could not write to
// /proc/self/timens_offsets, and, with host facts, a kernel that does not
// move the process into the namespace at execve (berth relies on it).
import type { Finding } from '../finding';
import { displayPath, join } from '../pointer';
import { arr, obj, type Rule } from './rule';

const CLOCKS = ['monotonic', 'boottime'];
const NSEC_PER_SEC = 1_000_000_000;

export const timeOffsets: Rule = {
  codes: ['linux/time-offsets', 'host/time-namespace'],
  check({ config: c, host }) {
    const at = arr<{ type?: unknown; path?: unknown }>(c.linux?.namespaces).findIndex((n) => n?.type === 'time' && n.path === undefined);
    if (at < 0) return [];
    const out: Finding[] = [];
    const err = (pointer: string, message: string) => out.push({ pointer, code: 'linux/time-offsets', severity: 'error', message });
    for (const [clock, v] of Object.entries(obj(c.linux?.timeOffsets) ?? {})) {
      const p = join('/linux/timeOffsets', clock);
      const off = obj(v) ?? {};
      if (!CLOCKS.includes(clock)) err(p, `linux.timeOffsets: unknown clock \`${clock}\` (monotonic or boottime)`);
      else if (typeof off.secs === 'number' && !Number.isSafeInteger(off.secs)) err(`${p}/secs`, `${displayPath(`${p}/secs`)} ${off.secs} is not a whole number of seconds`);
      else if (typeof off.nanosecs === 'number' && !(Number.isInteger(off.nanosecs) && off.nanosecs >= 0 && off.nanosecs < NSEC_PER_SEC)) {
        err(`${p}/nanosecs`, `${displayPath(`${p}/nanosecs`)} ${off.nanosecs} is out of range: nanoseconds go from 0 to 999999999 (whole seconds belong in secs)`);
      }
    }
    if (host && !host.timeNsAtExec()) {
      out.push({ pointer: `/linux/namespaces/${at}`, code: 'host/time-namespace', severity: 'error', message: 'this kernel does not move a process into its new time namespace at execve, which berth relies on to set offsets with nanoseconds' });
    }
    return out;
  },
};
