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
  /** Recursive attributes (rro, rnosuid, …), applied to the whole tree with mount_setattr(AT_RECURSIVE). */
  recursive?: { set: number; clear: number };
  /**
   * `idmap` / `ridmap`: an ID-mapped bind mount, of the top mount only or of its whole tree (helper/runtime/idmap.ts);
   * `custom` is crun's `idmap=uids=…;gids=…` form, its text after `=` and its index in the options (helper/spec/idmapopts.ts).
   */
  idmap?: { recursive: boolean; custom?: { text: string; index: number } };
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

// MOUNT_ATTR_* of mount_setattr(2).
const A_RDONLY = 0x1;
const A_NOSUID = 0x2;
const A_NODEV = 0x4;
const A_NOEXEC = 0x8;
const A_ATIME = 0x70; // the atime mode field
const A_NOATIME = 0x10;
const A_STRICTATIME = 0x20;
const A_NODIRATIME = 0x80;
const A_NOSYMFOLLOW = 0x200000;
/** The attributes other modules set directly (the stages' read-only node image). */
export const MOUNT_ATTR = { RDONLY: A_RDONLY, NOSUID: A_NOSUID, NODEV: A_NODEV } as const;

/** Recursive options: [attributes to set, attributes to clear]. */
const RECURSIVE: Record<string, [number, number]> = {
  rro: [A_RDONLY, 0], rrw: [0, A_RDONLY], rnosuid: [A_NOSUID, 0], rsuid: [0, A_NOSUID], rnodev: [A_NODEV, 0], rdev: [0, A_NODEV],
  rnoexec: [A_NOEXEC, 0], rexec: [0, A_NOEXEC], rnodiratime: [A_NODIRATIME, 0], rdiratime: [0, A_NODIRATIME],
  rrelatime: [0, A_ATIME], rnorelatime: [A_STRICTATIME, A_ATIME], rnoatime: [A_NOATIME, A_ATIME], ratime: [0, A_ATIME],
  rstrictatime: [A_STRICTATIME, A_ATIME], rnostrictatime: [0, A_ATIME], rnosymfollow: [A_NOSYMFOLLOW, 0], rsymfollow: [0, A_NOSYMFOLLOW],
};

export function planMount(options: string[] = []): MountPlan {
  const plan: MountPlan = { flags: 0, propagation: [], data: '', bind: false, unsupported: [] };
  const data: string[] = [];
  for (const [i, o] of options.entries()) {
    // Own keys only: `toString` or `__proto__` is an unknown option (data), not Object.prototype's.
    if (Object.hasOwn(RECURSIVE, o)) {
      const [set, clear] = RECURSIVE[o];
      const r = (plan.recursive ??= { set: 0, clear: 0 });
      r.set = (r.set & ~clear) | set;
      r.clear = (r.clear & ~set) | clear;
    } else if (Object.hasOwn(SET, o)) plan.flags |= SET[o];
    else if (Object.hasOwn(CLEAR, o)) plan.flags &= ~CLEAR[o];
    else if (Object.hasOwn(PROPAGATION, o)) plan.propagation.push(PROPAGATION[o]);
    else if (o === 'idmap' || o === 'ridmap') plan.idmap = { ...plan.idmap, recursive: o === 'ridmap' || plan.idmap?.recursive === true };
    else if (o.startsWith('idmap=') || o.startsWith('ridmap=')) {
      plan.idmap = { recursive: o.startsWith('r') || plan.idmap?.recursive === true, custom: { text: o.slice(o.indexOf('=') + 1), index: i } };
    }
    else if (o === 'tmpcopyup') plan.unsupported.push(o);
    else data.push(o);
  }
  plan.bind = (plan.flags & C.MS_BIND) !== 0;
  plan.data = data.join(',');
  return plan;
}

/** Flags a bind mount must be remounted with: bind ignores them on the first call. */
export const BIND_REMOUNT_MASK =
  C.MS_RDONLY | C.MS_NOSUID | C.MS_NODEV | C.MS_NOEXEC | C.MS_NOATIME | C.MS_NODIRATIME | C.MS_RELATIME | C.MS_STRICTATIME | C.MS_NOSYMFOLLOW;
