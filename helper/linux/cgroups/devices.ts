// Device rules, shared by the v1 devices controller and the v2 eBPF program.
// The list the kernel enforces is: the config's linux.resources.devices, then
// an allow for every device in linux.devices and for the devices every
// container gets (/dev/null, zero, full, random, urandom, tty, console, ptmx
// and the pty slaves), as runc does.
//
// Both backends reduce the list the way the v1 kernel does (see reduce()),
// so a config means the same on v1 and v2.
import type { Device, DeviceCgroupRule, Spec } from '../../spec/types';
import { CgroupError, ptr } from './errors';

export interface DeviceRule {
  allow: boolean;
  /** 'a' matches both block and char devices. */
  type: 'a' | 'b' | 'c';
  /** undefined = any */
  major?: number;
  minor?: number;
  access: string;
  /** Where the rule came from, for errors. */
  pointer: string;
}

export interface DevicePolicy {
  defaultAllow: boolean;
  /** Exceptions to the default, all of the opposite kind (allow when the default denies). */
  rules: DeviceRule[];
}

const DEFAULT_DEVICES: [string, 'c', number, number | undefined][] = [
  ['null', 'c', 1, 3],
  ['zero', 'c', 1, 5],
  ['full', 'c', 1, 7],
  ['random', 'c', 1, 8],
  ['urandom', 'c', 1, 9],
  ['tty', 'c', 5, 0],
  ['console', 'c', 5, 1],
  ['ptmx', 'c', 5, 2],
  ['pts/*', 'c', 136, undefined],
];

/** Whether the config restricts devices at all (no rules: the cgroup keeps its parent's access). */
export function wantsDevices(spec: Pick<Spec, 'linux'>): boolean {
  return (spec.linux?.resources?.devices?.length ?? 0) > 0;
}

export function devicePolicy(rules: DeviceCgroupRule[], linuxDevices: Device[] | undefined): DevicePolicy {
  const all: DeviceRule[] = rules.map((r, i) => normalise(r, ptr('devices', i)));
  (linuxDevices ?? []).forEach((d, i) => {
    if (d.type === 'b' || d.type === 'c' || d.type === 'u') {
      all.push({ allow: true, type: d.type === 'b' ? 'b' : 'c', major: d.major, minor: d.minor, access: 'rwm', pointer: `/linux/devices/${i}` });
    }
  });
  for (const [name, type, major, minor] of DEFAULT_DEVICES) all.push({ allow: true, type, major, minor, access: 'rwm', pointer: `default device /dev/${name}` });
  return reduce(all);
}

/**
 * The v1 kernel's own bookkeeping (dev_exception_add/rm): a whole-class rule
 * resets the default; a rule of the default's kind removes the access bits it
 * names from an exception with exactly the same type and numbers; a rule of
 * the other kind adds an exception (merging access). What remains — a default
 * and a set of exceptions that do not overlap in meaning — is what both
 * backends enforce, so v1 and the eBPF program agree on every config.
 */
function reduce(rules: DeviceRule[]): DevicePolicy {
  let defaultAllow = true;
  let exceptions: DeviceRule[] = [];
  const same = (a: DeviceRule, b: DeviceRule) => a.type === b.type && a.major === b.major && a.minor === b.minor;
  for (const r of rules) {
    if (coversEverything(r)) {
      defaultAllow = r.allow;
      exceptions = [];
    } else if (r.allow === defaultAllow) {
      exceptions = exceptions
        .map((e) => (same(e, r) ? { ...e, access: [...e.access].filter((c) => !r.access.includes(c)).join('') } : e))
        .filter((e) => e.access !== '');
    } else {
      const e = exceptions.find((x) => same(x, r));
      if (e) e.access = 'rwm'.split('').filter((c) => e.access.includes(c) || r.access.includes(c)).join('');
      else exceptions.push({ ...r });
    }
  }
  return { defaultAllow, rules: exceptions };
}

function normalise(r: DeviceCgroupRule, pointer: string): DeviceRule {
  const access = r.access ?? 'rwm';
  if (!/^[rwm]{1,3}$/.test(access) || new Set(access).size !== access.length) throw new CgroupError(`access ${JSON.stringify(access)} must be a combination of r, w and m`, `${pointer}/access`);
  for (const k of ['major', 'minor'] as const) {
    const v = r[k];
    if (v !== undefined && v !== -1 && (!Number.isInteger(v) || v < 0)) throw new CgroupError(`${k} ${v} must be a device number or -1 (any)`, `${pointer}/${k}`);
  }
  const num = (v: number | undefined) => (v === undefined || v === -1 ? undefined : v);
  return { allow: r.allow, type: r.type ?? 'a', major: num(r.major), minor: num(r.minor), access, pointer };
}

function coversEverything(r: DeviceRule): boolean {
  return r.major === undefined && r.minor === undefined && r.type === 'a' && r.access.length === 3;
}

/** The v1 devices.allow / devices.deny line for a rule. */
export function v1Line(r: DeviceRule): string {
  if (r.type === 'a' && r.major === undefined && r.minor === undefined) return `a *:* ${r.access}`;
  return `${r.type} ${r.major ?? '*'}:${r.minor ?? '*'} ${r.access}`;
}
