// mount(2), umount2(2), pivot_root(2) and chroot, with errors that name the
// container-side path the caller cares about rather than /proc/self/fd/N.
import * as C from './constants';
import { check, libc } from './libc';

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
