// Capabilities: the kernel's names and numbers (capability.h), the bounding
// set via prctl, the permitted/effective/inheritable sets via capset(2)
// (version 3: two 32-bit words), and the ambient set.
import * as C from './constants';
import { SysError } from './errors';
import { check, errno, libc } from './libc';

export const CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

/** Highest capability the running kernel knows (caps above it are ignored, as runc does). */
export function lastCap(): number {
  try {
    return Number(require('node:fs').readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  } catch {
    return CAPS.length - 1;
  }
}

export function capNumber(name: string): number | undefined {
  const i = (CAPS as readonly string[]).indexOf(name);
  return i < 0 ? undefined : i;
}

/** Drops every capability not in `keep` from the bounding set. */
export function setBounding(keep: Set<number>): void {
  const last = lastCap();
  for (let cap = 0; cap <= last; cap++) {
    if (keep.has(cap)) continue;
    if (libc().prctl(C.PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno() !== 22 /* EINVAL: unknown cap */) {
      throw new SysError('prctl PR_CAPBSET_DROP', errno(), CAPS[cap] ?? String(cap));
    }
  }
}

export interface CapSets {
  effective: Set<number>;
  permitted: Set<number>;
  inheritable: Set<number>;
}

export function capset(sets: CapSets): void {
  const l = libc();
  const word = (s: Set<number>, w: number) => {
    let v = 0;
    for (const c of s) if (c >= w * 32 && c < (w + 1) * 32) v |= 1 << (c - w * 32);
    return v >>> 0;
  };
  // struct __user_cap_header_struct { u32 version; int pid; } and two
  // struct __user_cap_data_struct { u32 effective, permitted, inheritable; }.
  const hdr = Buffer.alloc(8);
  hdr.writeUInt32LE(0x20080522, 0); // _LINUX_CAPABILITY_VERSION_3
  const data = Buffer.alloc(24);
  for (const w of [0, 1]) {
    data.writeUInt32LE(word(sets.effective, w), w * 12);
    data.writeUInt32LE(word(sets.permitted, w), w * 12 + 4);
    data.writeUInt32LE(word(sets.inheritable, w), w * 12 + 8);
  }
  check(l.syscall(C.SYS.capset, 'void *', hdr, 'void *', data), 'capset');
}

/** The part of `ambient` that PR_CAP_AMBIENT_RAISE accepts once `permitted` and `inheritable` are set: what is in both. */
export function raisableAmbient(sets: CapSets & { ambient: Set<number> }): Set<number> {
  return new Set([...sets.ambient].filter((c) => sets.permitted.has(c) && sets.inheritable.has(c)));
}

/** Clears the ambient set and raises `caps` (each must be permitted and inheritable: raisableAmbient). */
export function setAmbient(caps: Set<number>): void {
  check(libc().prctl(C.PR_CAP_AMBIENT, C.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), 'prctl PR_CAP_AMBIENT_CLEAR_ALL');
  for (const c of caps) check(libc().prctl(C.PR_CAP_AMBIENT, C.PR_CAP_AMBIENT_RAISE, c, 0, 0), 'prctl PR_CAP_AMBIENT_RAISE', CAPS[c]);
}
