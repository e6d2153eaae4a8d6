// Which filesystem an fd is on (fstatfs's f_type): tells the kernel's own
// procfs and sysfs apart from anything a rootfs or a volume could make look
// like them.
import { check, libc } from './libc';

export const PROC_SUPER_MAGIC = 0x9fa0n;
export const SYSFS_MAGIC = 0x62656572n;

/** f_type of the filesystem holding `fd` (an O_PATH fd is enough). */
export function fsMagic(fd: number, object?: string): bigint {
  // struct statfs is 120 bytes on 64-bit Linux; f_type is its first field, a long.
  const buf = Buffer.alloc(120);
  check(libc().fstatfs(fd, buf), 'fstatfs', object);
  return buf.readBigInt64LE(0);
}
