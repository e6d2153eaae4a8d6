// mount(2), umount2(2), pivot_root(2) and chroot, with errors that name the
// container-side path the caller cares about rather than /proc/self/fd/N.
import * as C from './constants';
import { check, errno, libc } from './libc';

export function mount(src: string | null, dst: string, type: string | null, flags: number, data: string | null, shown = dst): void {
  check(libc().mount(src, dst, type, flags, data || null), 'mount', shown);
}

export function umount(target: string, flags = 0): void {
  check(libc().umount2(target, flags), 'umount2', target);
}

export function pivotRoot(newRoot: string, putOld: string): void {
  check(libc().syscall(C.SYS.pivot_root, 'const char *', newRoot, 'const char *', putOld), 'pivot_root', newRoot);
}

export function chroot(path: string): void {
  check(libc().chroot(path), 'chroot', path);
}

export function chdir(path: string): void {
  check(libc().chdir(path), 'chdir', path);
}

export function fchdir(fd: number, shown: string): void {
  check(libc().fchdir(fd), 'fchdir', shown);
}

/** mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE): attributes for a whole mount tree. */
export function mountSetattrRecursive(fd: number, set: number, clear: number, shown: string): void {
  const attr = Buffer.alloc(32); // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd }
  attr.writeBigUInt64LE(BigInt(set), 0);
  attr.writeBigUInt64LE(BigInt(clear), 8);
  check(libc().syscall(C.SYS.mount_setattr, 'int', fd, 'const char *', '', 'uint32', 0x1000 | 0x8000, 'void *', attr, 'size_t', 32), 'mount_setattr', shown);
}

// open_tree(2), move_mount(2) and MOUNT_ATTR_IDMAP, from <linux/mount.h>.
const OPEN_TREE_CLONE = 0x1;
const OPEN_TREE_CLOEXEC = 0o2000000;
const AT_RECURSIVE = 0x8000;
const AT_EMPTY_PATH = 0x1000;
const MOVE_MOUNT_F_EMPTY_PATH = 0x4;
const MOVE_MOUNT_T_EMPTY_PATH = 0x40;
const MOUNT_ATTR_IDMAP = 0x100000;
// fsopen(2), fsconfig(2), fsmount(2).
const FSOPEN_CLOEXEC = 0x1;
const FSCONFIG_CMD_CREATE = 6;
const FSMOUNT_CLOEXEC = 0x1;

/**
 * A detached copy of the mount at `path` (its whole tree when `recursive`),
 * as an fd: it can be handed to another process and attached there with
 * moveMount, even into a mount namespace owned by another user namespace.
 */
export function openTreeClone(path: string, recursive: boolean, shown = path): number {
  const flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
  return check(libc().syscall(C.SYS.open_tree, 'int', C.AT_FDCWD, 'const char *', path, 'uint32', flags), 'open_tree', shown);
}

/**
 * A new tmpfs attached nowhere (fsopen, fsconfig CREATE, fsmount), as the fd
 * of its root: files made in it through *at() calls exist in no mount
 * namespace until a clone of them is attached with moveMount.
 */
export function detachedTmpfs(): number {
  const l = libc();
  const fs = check(l.syscall(C.SYS.fsopen, 'const char *', 'tmpfs', 'uint32', FSOPEN_CLOEXEC), 'fsopen', 'tmpfs');
  try {
    check(l.syscall(C.SYS.fsconfig, 'int', fs, 'uint32', FSCONFIG_CMD_CREATE, 'void *', null, 'void *', null, 'int', 0), 'fsconfig', 'tmpfs');
    return check(l.syscall(C.SYS.fsmount, 'int', fs, 'uint32', FSMOUNT_CLOEXEC, 'uint32', 0), 'fsmount', 'tmpfs');
  } finally {
    l.close(fs);
  }
}

/** A detached bind mount of the file `name` below the directory fd `dirFd` (open_tree OPEN_TREE_CLONE). */
export function openTreeCloneAt(dirFd: number, name: string, shown: string): number {
  return check(libc().syscall(C.SYS.open_tree, 'int', dirFd, 'const char *', name, 'uint32', OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC), 'open_tree', shown);
}

/** Attaches the detached mount `treeFd` on the file or directory open as `destFd`. */
export function moveMount(treeFd: number, destFd: number, shown: string): void {
  const flags = MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH;
  check(libc().syscall(C.SYS.move_mount, 'int', treeFd, 'const char *', '', 'int', destFd, 'const char *', '', 'uint32', flags), 'move_mount', shown);
}

/** Makes the detached mount `treeFd` (and its tree when `recursive`) idmapped through the user namespace open as `usernsFd`. */
export function mountSetattrIdmap(treeFd: number, usernsFd: number, recursive: boolean, shown: string): void {
  const attr = Buffer.alloc(32);
  attr.writeBigUInt64LE(BigInt(MOUNT_ATTR_IDMAP), 0);
  attr.writeBigUInt64LE(BigInt(usernsFd), 24);
  const flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  check(libc().syscall(C.SYS.mount_setattr, 'int', treeFd, 'const char *', '', 'uint32', flags, 'void *', attr, 'size_t', 32), 'mount_setattr', shown);
}

/**
 * Whether this kernel has open_tree, move_mount and mount_setattr with
 * MOUNT_ATTR_IDMAP (5.12+): asked with fds that cannot be valid, so a
 * kernel that knows the calls and the attribute answers EBADF, and one that
 * does not ENOSYS (or EINVAL for an attribute it does not know).
 * Whether a given filesystem can be idmapped is only known when it is tried.
 */
export function idmapSupported(): boolean {
  const l = libc();
  const attr = Buffer.alloc(32);
  attr.writeBigUInt64LE(BigInt(MOUNT_ATTR_IDMAP), 0);
  attr.writeBigUInt64LE(0x7fffffffn, 24); // INT_MAX: never an open fd, but a valid one to ask for
  const calls: [number, () => number][] = [
    [C.SYS.mount_setattr, () => Number(l.syscall(C.SYS.mount_setattr, 'int', -1, 'const char *', '', 'uint32', AT_EMPTY_PATH, 'void *', attr, 'size_t', 32))],
    [C.SYS.move_mount, () => Number(l.syscall(C.SYS.move_mount, 'int', -1, 'const char *', '', 'int', -1, 'const char *', '', 'uint32', MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH))],
    [C.SYS.open_tree, () => Number(l.syscall(C.SYS.open_tree, 'int', -1, 'const char *', '', 'uint32', AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC))],
  ];
  return calls.every(([, call]) => call() < 0 && errno() === 9 /* EBADF */);
}
