// uid, gid and supplementary groups, changed with raw syscalls on the calling
// thread only. glibc's setresuid() would signal every thread of the process
// to change too; the init only needs its main thread, the one that execve's
// (execve kills the other threads).
import * as C from './constants';
import { check, libc } from './libc';

export function setGroups(gids: number[]): void {
  const l = libc();
  const list = Uint32Array.from(gids.length ? gids : [0]);
  check(l.syscall(C.SYS.setgroups, 'size_t', gids.length, 'void *', list), 'setgroups', gids.join(','));
}

export function setResGid(gid: number): void {
  check(libc().syscall(C.SYS.setresgid, 'uint32', gid, 'uint32', gid, 'uint32', gid), 'setresgid', String(gid));
}

export function setResUid(uid: number): void {
  check(libc().syscall(C.SYS.setresuid, 'uint32', uid, 'uint32', uid, 'uint32', uid), 'setresuid', String(uid));
}

export function prctl(op: number, a2 = 0, what = `prctl ${op}`): void {
  check(libc().prctl(op, a2, 0, 0, 0), what);
}

export function setDumpable(on: boolean): void {
  prctl(C.PR_SET_DUMPABLE, on ? 1 : 0, 'prctl PR_SET_DUMPABLE');
}

export function setNoNewPrivs(): void {
  prctl(C.PR_SET_NO_NEW_PRIVS, 1, 'prctl PR_SET_NO_NEW_PRIVS');
}

export function setKeepCaps(on: boolean): void {
  prctl(C.PR_SET_KEEPCAPS, on ? 1 : 0, 'prctl PR_SET_KEEPCAPS');
}
