// rlimits by their spec names (RLIMIT_NOFILE, …), set with prlimit(2) so the
// error can say which limit failed and why (raising a hard limit needs
// CAP_SYS_RESOURCE, which root on some hosts lacks).
import { SysError } from './errors';
import { errno, libc } from './libc';

export const RLIMITS: Record<string, number> = {
  RLIMIT_CPU: 0, RLIMIT_FSIZE: 1, RLIMIT_DATA: 2, RLIMIT_STACK: 3, RLIMIT_CORE: 4, RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6, RLIMIT_NOFILE: 7, RLIMIT_MEMLOCK: 8, RLIMIT_AS: 9, RLIMIT_LOCKS: 10, RLIMIT_SIGPENDING: 11,
  RLIMIT_MSGQUEUE: 12, RLIMIT_NICE: 13, RLIMIT_RTPRIO: 14, RLIMIT_RTTIME: 15,
};

export function getRlimit(resource: number, pid = 0): { soft: bigint; hard: bigint } {
  const old = { cur: 0n, max: 0n };
  if (libc().prlimit(pid, resource, null, old) < 0) throw new SysError('prlimit', errno());
  return { soft: BigInt(old.cur), hard: BigInt(old.max) };
}

export function setRlimit(type: string, soft: number, hard: number, pid = 0): void {
  const resource = RLIMITS[type];
  if (resource === undefined) throw new Error(`unknown rlimit \`${type}\``);
  if (libc().prlimit(pid, resource, { cur: BigInt(soft), max: BigInt(hard) }, null) < 0) {
    const e = errno();
    let why = '';
    if (e === 1 /* EPERM */) {
      const cur = getRlimit(resource, pid);
      why = ` (current hard limit ${cur.hard}; raising it needs CAP_SYS_RESOURCE)`;
    }
    throw new SysError('setrlimit', e, `${type} ${soft}/${hard}${why}`);
  }
}
