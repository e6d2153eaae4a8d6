// process.scheduler through sched_setattr(2), the one call that takes every
// field of the spec (policy, nice, priority, flags, and SCHED_DEADLINE's
// runtime/deadline/period). glibc has no wrapper.
import { check, libc } from '../libc';
import type { Scheduler } from '../../spec/types';

const SYS_sched_setattr = 314;
/** SCHED_ATTR_SIZE_VER0: the struct without the utilisation clamps. */
const ATTR_SIZE = 48;

export const SCHED_POLICIES: Record<string, number> = {
  SCHED_OTHER: 0, SCHED_FIFO: 1, SCHED_RR: 2, SCHED_BATCH: 3, SCHED_ISO: 4, SCHED_IDLE: 5, SCHED_DEADLINE: 6,
};

export const SCHED_FLAGS: Record<string, number> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01, SCHED_FLAG_RECLAIM: 0x02, SCHED_FLAG_DL_OVERRUN: 0x04, SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10, SCHED_FLAG_UTIL_CLAMP_MIN: 0x20, SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};

/** Applies `s` to the calling thread. */
export function setScheduler(s: Scheduler): void {
  const policy = SCHED_POLICIES[s.policy];
  if (policy === undefined) throw new Error(`unknown scheduling policy \`${s.policy}\``);
  let flags = 0;
  for (const f of s.flags ?? []) {
    const bit = SCHED_FLAGS[f];
    if (bit === undefined) throw new Error(`unknown scheduler flag \`${f}\``);
    flags |= bit;
  }
  const attr = Buffer.alloc(ATTR_SIZE);
  attr.writeUInt32LE(ATTR_SIZE, 0);
  attr.writeUInt32LE(policy, 4);
  attr.writeBigUInt64LE(BigInt(flags), 8);
  attr.writeInt32LE(s.nice ?? 0, 16);
  attr.writeUInt32LE(s.priority ?? 0, 20);
  attr.writeBigUInt64LE(BigInt(s.runtime ?? 0), 24);
  attr.writeBigUInt64LE(BigInt(s.deadline ?? 0), 32);
  attr.writeBigUInt64LE(BigInt(s.period ?? 0), 40);
  check(libc().syscall(SYS_sched_setattr, 'int', 0, 'void *', attr, 'uint', 0), 'sched_setattr', s.policy);
}
