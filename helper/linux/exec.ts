// The last steps before the user process: mark inherited fds close-on-exec
// and execve. Both through libc directly; Node has no execve.
import * as C from './constants';
import { check, errno, libc } from './libc';

/** Marks every fd from `first` upwards close-on-exec (close_range with CLOSE_RANGE_CLOEXEC). */
export function cloexecFrom(first: number): void {
  check(libc().syscall(C.SYS.close_range, 'uint32', first, 'uint32', 0xffffffff, 'uint32', C.CLOSE_RANGE_CLOEXEC), 'close_range');
}

/**
 * Makes fds 0 .. last survive execve. Node marks its own stdio close-on-exec
 * at start-up (strace shows fcntl(1, F_SETFD, FD_CLOEXEC)), which would leave
 * the container's process without stdout.
 */
export function keepAcrossExec(last: number): void {
  for (let fd = 0; fd <= last; fd++) {
    if (libc().fcntl(fd, 2 /* F_SETFD */, 'int', 0) < 0 && errno() !== 9 /* EBADF: not open */) check(-1, 'fcntl F_SETFD', `fd ${fd}`);
  }
}

/** Replaces this process; returns only by throwing. */
export function execve(path: string, argv: string[], env: string[]): never {
  check(libc().execve(path, [...argv, null], [...env, null]), 'execve', path);
  throw new Error('unreachable');
}

export function dup2(oldfd: number, newfd: number): void {
  if (oldfd !== newfd) check(libc().dup3(oldfd, newfd, 0), 'dup3', `${oldfd} -> ${newfd}`);
}

export function setsid(): void {
  check(libc().setsid(), 'setsid');
}

export function sethostname(name: string): void {
  check(libc().sethostname(name, Buffer.byteLength(name)), 'sethostname', name);
}

export function setdomainname(name: string): void {
  check(libc().setdomainname(name, Buffer.byteLength(name)), 'setdomainname', name);
}

/** The file type bits of a config-linux.md device type. */
const DEVICE_TYPE: Record<'c' | 'u' | 'b' | 'p', number> = { c: C.S_IFCHR, u: C.S_IFCHR, b: C.S_IFBLK, p: C.S_IFIFO };

/** mknod(2) for a linux.devices entry: its type, fileMode (default 0666), major and minor. */
export function mknodDevice(path: string, d: { type: 'c' | 'u' | 'b' | 'p'; fileMode?: number; major?: number; minor?: number }, shown = path): void {
  mknod(path, DEVICE_TYPE[d.type] | ((d.fileMode ?? 0o666) & 0o7777), d.major ?? 0, d.minor ?? 0, shown);
}

export function mknod(path: string, mode: number, major: number, minor: number, shown = path): void {
  // makedev(): the glibc encoding of major/minor into dev_t.
  const dev = (BigInt(major & 0xfff) << 8n) | BigInt(minor & 0xff) | (BigInt(minor & ~0xff) << 12n) | (BigInt(major & ~0xfff) << 32n);
  check(libc().mknod(path, mode, dev), 'mknod', shown);
}

export function mkfifo(path: string, mode: number): void {
  check(libc().mkfifo(path, mode), 'mkfifo', path);
}

/**
 * Undoes what Node did to this process's signals: it ignores SIGPIPE (and an
 * ignored signal stays ignored across execve), and a blocked mask would be
 * inherited too. The container's process must start with the defaults.
 */
export function resetSignals(): void {
  const l = libc();
  for (const sig of [13 /* SIGPIPE */, 25 /* SIGXFSZ */]) l.signal(sig, null);
  const empty = Buffer.alloc(8);
  check(l.syscall(14 /* rt_sigprocmask */, 'int', 2 /* SIG_SETMASK */, 'void *', empty, 'void *', null, 'size_t', 8), 'rt_sigprocmask');
}
