// Paths inside a container's rootfs resolved by the kernel as if the rootfs
// were `/` (openat2 with RESOLVE_IN_ROOT): a symlink in the rootfs such as
// `/etc -> /` or `../../..` can never lead a mount or mknod outside it.
// Callers then act on the returned O_PATH fd through /proc/self/fd/N.
import { closeSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import * as C from './constants';
import { SysError } from './errors';
import { errno, libc } from './libc';

export function openat2(dirfd: number, path: string, flags: number, mode: number, resolve: number): number {
  const l = libc();
  const how = { flags: BigInt(flags), mode: BigInt(mode), resolve: BigInt(resolve) };
  const fd = Number(l.syscall(C.SYS.openat2, 'int', dirfd, 'const char *', path, l.koffi.pointer(l.OpenHow), how, 'size_t', 24));
  if (fd < 0) throw new SysError('openat2', errno(), path);
  return fd;
}

const IN_ROOT = C.RESOLVE_IN_ROOT | C.RESOLVE_NO_MAGICLINKS;

/** Opens `path` (container-absolute) inside the root `rootfd`; O_CLOEXEC is always added. */
export function openInRoot(rootfd: number, path: string, flags: number, mode = 0): number {
  return openat2(rootfd, relative(path), flags | C.O_CLOEXEC, mode, IN_ROOT);
}

/** Creates every missing directory of `path` inside the root; returns an O_PATH fd of it. */
export function mkdirAllInRoot(rootfd: number, path: string, mode = 0o755, depth = 0): number {
  const parts = relative(path).split('/').filter((p) => p !== '' && p !== '.');
  let fd = openInRoot(rootfd, '.', C.O_PATH | C.O_DIRECTORY);
  for (let i = 0; i < parts.length; i++) {
    const next = parts.slice(0, i + 1).join('/');
    try {
      const n = openInRoot(rootfd, next, C.O_PATH | C.O_DIRECTORY);
      closeSync(fd);
      fd = n;
      continue;
    } catch (e) {
      if (!(e instanceof SysError) || e.code !== 'ENOENT') {
        closeSync(fd);
        throw e;
      }
    }
    // fd is the already-resolved parent, inside the root: create the child there.
    if (libc().mkdirat(fd, parts[i], mode) < 0) {
      const e = errno();
      // EEXIST though the lookup said ENOENT: a dangling symlink. Create its
      // target instead, resolved inside the root (as runc does).
      const target = e === 17 ? danglingTarget(fd, parts[i], parts.slice(0, i)) : undefined;
      closeSync(fd);
      if (target !== undefined && depth < 40) return mkdirAllInRoot(rootfd, posix.join(target, ...parts.slice(i + 1)), mode, depth + 1);
      if (e !== 17) throw new SysError('mkdirat', e, '/' + next);
      fd = openInRoot(rootfd, next, C.O_PATH | C.O_DIRECTORY);
      continue;
    }
    const n = openInRoot(rootfd, next, C.O_PATH | C.O_DIRECTORY);
    closeSync(fd);
    fd = n;
  }
  return fd;
}

/** Makes sure a regular file exists at `path` (for bind mounts of files); returns an O_PATH fd of it. */
export function touchInRoot(rootfd: number, path: string, mode = 0o644, depth = 0): number {
  const abs = posix.resolve('/', path);
  const parent = mkdirAllInRoot(rootfd, posix.dirname(abs));
  try {
    try {
      return openInRoot(rootfd, abs, C.O_PATH);
    } catch (e) {
      if (!(e instanceof SysError) || e.code !== 'ENOENT') throw e;
    }
    const target = danglingTarget(parent, posix.basename(abs), posix.dirname(abs).split('/'));
    if (target !== undefined && depth < 40) return touchInRoot(rootfd, target, mode, depth + 1);
    closeSync(openInRoot(rootfd, abs, C.O_CREAT | C.O_WRONLY | C.O_NOFOLLOW, mode));
    return openInRoot(rootfd, abs, C.O_PATH);
  } finally {
    closeSync(parent);
  }
}

/** If `name` in the directory `dirfd` is a symlink, its target as a root-relative path; else undefined. */
function danglingTarget(dirfd: number, name: string, dirParts: string[]): string | undefined {
  let link: string;
  try {
    link = readlinkSync(`${fdPath(dirfd)}/${name}`);
  } catch {
    return undefined;
  }
  return posix.isAbsolute(link) ? link : posix.join('/', ...dirParts, link);
}

export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

function relative(path: string): string {
  const r = posix.normalize('/' + path).replace(/^\/+/, '');
  return r === '' ? '.' : r;
}
