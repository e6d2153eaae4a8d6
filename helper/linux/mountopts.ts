// The mount options of config.md turned into mount(2) arguments: flags that
// set or clear, propagation changes (applied in a separate call, as the kernel
// requires), recursive attributes, and the rest passed as filesystem data.
import * as C from './constants';

export interface MountPlan {
  /** Flags for the mount(2) call itself. */
  flags: number;
  /** Propagation changes applied after the mount, one call each. */
  propagation: number[];
  /** Comma-joined filesystem data, e.g. "size=65536k,mode=755". */
  data: string;
  bind: boolean;
  /** Options this runtime recognised but cannot apply (reported, not silently dropped). */
  unsupported: string[];
}

const SET: Record<string, number> = {
  ro: C.MS_RDONLY, nosuid: C.MS_NOSUID, nodev: C.MS_NODEV, noexec: C.MS_NOEXEC, sync: C.MS_SYNCHRONOUS,
  remount: C.MS_REMOUNT, mand: C.MS_MANDLOCK, dirsync: C.MS_DIRSYNC, noatime: C.MS_NOATIME, nodiratime: C.MS_NODIRATIME,
  bind: C.MS_BIND, rbind: C.MS_BIND | C.MS_REC, relatime: C.MS_RELATIME, strictatime: C.MS_STRICTATIME,
  lazytime: C.MS_LAZYTIME, silent: C.MS_SILENT, nosymfollow: C.MS_NOSYMFOLLOW,
};

const CLEAR: Record<string, number> = {
  rw: C.MS_RDONLY, suid: C.MS_NOSUID, dev: C.MS_NODEV, exec: C.MS_NOEXEC, async: C.MS_SYNCHRONOUS,
  nomand: C.MS_MANDLOCK, atime: C.MS_NOATIME, diratime: C.MS_NODIRATIME, norelatime: C.MS_RELATIME,
  nostrictatime: C.MS_STRICTATIME, nolazytime: C.MS_LAZYTIME, loud: C.MS_SILENT, symfollow: C.MS_NOSYMFOLLOW,
};

export const PROPAGATION: Record<string, number> = {
  private: C.MS_PRIVATE, rprivate: C.MS_PRIVATE | C.MS_REC, shared: C.MS_SHARED, rshared: C.MS_SHARED | C.MS_REC,
  slave: C.MS_SLAVE, rslave: C.MS_SLAVE | C.MS_REC, unbindable: C.MS_UNBINDABLE, runbindable: C.MS_UNBINDABLE | C.MS_REC,
};

/** Recursive mount attributes (mount_setattr); accepted and applied non-recursively for now. */
const RECURSIVE: Record<string, string> = {
  rro: 'ro', rrw: 'rw', rnosuid: 'nosuid', rsuid: 'suid', rnodev: 'nodev', rdev: 'dev', rnoexec: 'noexec',
  rexec: 'exec', rnodiratime: 'nodiratime', rdiratime: 'diratime', rrelatime: 'relatime', rnorelatime: 'norelatime',
  rnoatime: 'noatime', ratime: 'atime', rstrictatime: 'strictatime', rnostrictatime: 'nostrictatime',
  rnosymfollow: 'nosymfollow', rsymfollow: 'symfollow',
};

export function planMount(options: string[] = []): MountPlan {
  const plan: MountPlan = { flags: 0, propagation: [], data: '', bind: false, unsupported: [] };
  const data: string[] = [];
  for (const raw of options) {
    const o = RECURSIVE[raw] ?? raw;
    if (o in SET) plan.flags |= SET[o];
    else if (o in CLEAR) plan.flags &= ~CLEAR[o];
    else if (o in PROPAGATION) plan.propagation.push(PROPAGATION[o]);
    else if (o === 'tmpcopyup' || o === 'idmap' || o === 'ridmap') plan.unsupported.push(o);
    else data.push(o);
  }
  plan.bind = (plan.flags & C.MS_BIND) !== 0;
  plan.data = data.join(',');
  return plan;
}

/** Flags a bind mount must be remounted with: bind ignores them on the first call. */
export const BIND_REMOUNT_MASK =
  C.MS_RDONLY | C.MS_NOSUID | C.MS_NODEV | C.MS_NOEXEC | C.MS_NOATIME | C.MS_NODIRATIME | C.MS_RELATIME | C.MS_STRICTATIME | C.MS_NOSYMFOLLOW;
