// Typed koffi bindings to the libc calls Berth needs. koffi is loaded on the
// first call, not at import, so CLI verbs that never touch the kernel (state,
// list) start without it. Every wrapper throws SysError on failure.
import type * as Koffi from 'koffi';
import { SysError } from './errors';

type Fn = (...args: unknown[]) => number;

interface Libc {
  koffi: typeof Koffi;
  unshare: Fn; setns: Fn; mount: Fn; umount2: Fn; chroot: Fn; chdir: Fn; fchdir: Fn;
  sethostname: Fn; setdomainname: Fn; mknod: Fn; mkfifo: Fn; mkdirat: Fn; fchownat: Fn; symlinkat: Fn; unlinkat: Fn;
  openat: Fn; close: Fn; dup3: Fn; fcntl: Fn; prctl: Fn; ioctlInt: Fn; ioctlPtr: Fn; setsid: Fn; execve: Fn; syscall: Fn;
  prlimit: Fn; fstatfs: Fn; signal: Fn; socket: Fn; connect: Fn; sendmsg: Fn; recvmsg: Fn; socketpair: Fn; getpid: Fn;
  madvise: Fn; fork: Fn; exit: Fn; waitpid: Fn; pipe2: Fn; readlinkat: Fn;
  OpenHow: Koffi.TypeObject; Rlimit: Koffi.TypeObject; SockaddrUn: Koffi.TypeObject; MsgHdr: Koffi.TypeObject;
}

let cached: Libc | undefined;

export function libc(): Libc {
  if (cached) return cached;
  const koffi = require('koffi') as typeof Koffi;
  const lib = koffi.load('libc.so.6');
  const f = (proto: string) => lib.func(proto) as unknown as Fn;
  const OpenHow = koffi.struct('berth_open_how', { flags: 'uint64', mode: 'uint64', resolve: 'uint64' });
  const Rlimit = koffi.struct('berth_rlimit', { cur: 'uint64', max: 'uint64' });
  const SockaddrUn = koffi.struct('berth_sockaddr_un', { family: 'uint16', path: 'char[108]' });
  const IoVec = koffi.struct('berth_iovec', { base: 'void *', len: 'size_t' });
  const MsgHdr = koffi.struct('berth_msghdr', {
    name: 'void *', namelen: 'uint32', iov: koffi.pointer(IoVec), iovlen: 'size_t',
    control: 'void *', controllen: 'size_t', flags: 'int',
  });
  cached = {
    koffi, OpenHow, Rlimit, SockaddrUn, MsgHdr,
    unshare: f('int unshare(int flags)'),
    setns: f('int setns(int fd, int nstype)'),
    mount: f('int mount(const char *src, const char *dst, const char *type, unsigned long flags, const char *data)'),
    umount2: f('int umount2(const char *target, int flags)'),
    chroot: f('int chroot(const char *path)'),
    chdir: f('int chdir(const char *path)'),
    fchdir: f('int fchdir(int fd)'),
    sethostname: f('int sethostname(const char *name, size_t len)'),
    setdomainname: f('int setdomainname(const char *name, size_t len)'),
    mknod: f('int mknod(const char *path, uint32_t mode, uint64_t dev)'),
    mkfifo: f('int mkfifo(const char *path, uint32_t mode)'),
    mkdirat: f('int mkdirat(int dirfd, const char *path, uint32_t mode)'),
    fchownat: f('int fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)'),
    symlinkat: f('int symlinkat(const char *target, int dirfd, const char *path)'),
    unlinkat: f('int unlinkat(int dirfd, const char *path, int flags)'),
    openat: f('int openat(int dirfd, const char *path, int flags, uint32_t mode)'),
    close: f('int close(int fd)'),
    fcntl: f('int fcntl(int fd, int cmd, ...)'),
    dup3: f('int dup3(int oldfd, int newfd, int flags)'),
    prctl: f('int prctl(int op, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)'),
    ioctlInt: f('int ioctl(int fd, unsigned long req, unsigned long arg)'),
    ioctlPtr: f('int ioctl(int fd, unsigned long req, void *arg)'),
    setsid: f('int setsid()'),
    execve: f('int execve(const char *path, const char **argv, const char **envp)'),
    syscall: f('long syscall(long nr, ...)'),
    prlimit: f('int prlimit(int pid, int resource, berth_rlimit *nw, _Out_ berth_rlimit *old)'),
    fstatfs: f('int fstatfs(int fd, void *buf)'),
    signal: f('void *signal(int sig, void *handler)'),
    socket: f('int socket(int domain, int type, int protocol)'),
    connect: f('int connect(int fd, berth_sockaddr_un *addr, uint32_t len)'),
    sendmsg: f('long sendmsg(int fd, berth_msghdr *msg, int flags)'),
    recvmsg: f('long recvmsg(int fd, _Inout_ berth_msghdr *msg, int flags)'),
    socketpair: f('int socketpair(int domain, int type, int protocol, _Out_ int *sv)'),
    getpid: f('int getpid()'),
    madvise: f('int madvise(uintptr_t addr, size_t len, int advice)'),
    fork: f('int fork()'),
    exit: f('void _exit(int status)'),
    waitpid: f('int waitpid(int pid, _Out_ int *status, int options)'),
    pipe2: f('int pipe2(_Out_ int *fds, int flags)'),
    readlinkat: f('long readlinkat(int dirfd, const char *path, _Out_ uint8_t *buf, size_t size)'),
  };
  return cached;
}

export function errno(): number {
  return libc().koffi.errno();
}

/** Throws SysError when a libc call returned -1. */
export function check(ret: number | bigint, syscall: string, object?: string): number {
  if (Number(ret) < 0) throw new SysError(syscall, errno(), object);
  return Number(ret);
}
