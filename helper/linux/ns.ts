// Namespaces: the spec's names, their clone flags and /proc/<pid>/ns names,
// and unshare/setns on the calling (main) thread.
import { closeSync, openSync } from 'node:fs';
import type { NamespaceType } from '../spec/types';
import * as C from './constants';
import { check, libc } from './libc';

export const NS_FLAG: Record<NamespaceType, number> = {
  pid: C.CLONE_NEWPID, network: C.CLONE_NEWNET, ipc: C.CLONE_NEWIPC, uts: C.CLONE_NEWUTS,
  mount: C.CLONE_NEWNS, user: C.CLONE_NEWUSER, cgroup: C.CLONE_NEWCGROUP, time: C.CLONE_NEWTIME,
};

/** The file name under /proc/<pid>/ns/ for each namespace type. */
export const NS_PROC_NAME: Record<NamespaceType, string> = {
  pid: 'pid', network: 'net', ipc: 'ipc', uts: 'uts', mount: 'mnt', user: 'user', cgroup: 'cgroup', time: 'time',
};

export function unshare(flags: number): void {
  check(libc().unshare(flags), 'unshare');
}

/** Joins the namespace at `path`; `type` makes the kernel check it is that kind. */
export function setnsPath(path: string, type: NamespaceType): void {
  const fd = openSync(path, C.O_RDONLY | C.O_CLOEXEC);
  try {
    check(libc().setns(fd, NS_FLAG[type]), 'setns', path);
  } finally {
    closeSync(fd);
  }
}

export function setnsFd(fd: number, flag: number, what: string): void {
  check(libc().setns(fd, flag), 'setns', what);
}
