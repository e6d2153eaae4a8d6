// The few kernel calls berthd needs beyond Node's: a non-blocking flock for
// the single-instance lock, the child-subreaper flag, pidfds (to take back
// console fds from their keeper after a restart), TIOCSWINSZ for resize, and
// recvmsg with SCM_RIGHTS to receive a pty master on a console socket.
// Bindings are made on first use so `berthd --help` does not load koffi.
import type * as Koffi from 'koffi';
import { SysError } from '../linux/errors';

const LOCK_EX = 2;
const LOCK_NB = 4;
const PR_SET_CHILD_SUBREAPER = 36;
const SYS_pidfd_open = 434;
const SYS_pidfd_getfd = 438;
const SYS_pidfd_send_signal = 424;
const TIOCSWINSZ = 0x5414;
const MSG_DONTWAIT = 0x40;
const MSG_CMSG_CLOEXEC = 0x40000000;
const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;
export const EAGAIN = 11;
export const EWOULDBLOCK = EAGAIN;

type Fn = (...args: unknown[]) => number;
interface Bound {
  koffi: typeof Koffi;
  flock: Fn; prctl: Fn; syscall: Fn; ioctl: Fn; recvmsg: Fn; close: Fn;
  MsgHdr: Koffi.TypeObject;
}
let bound: Bound | undefined;

function lib(): Bound {
  if (bound) return bound;
  const koffi = require('koffi') as typeof Koffi;
  const l = koffi.load('libc.so.6');
  const f = (p: string) => l.func(p) as unknown as Fn;
  const IoVec = koffi.struct('berthd_iovec', { base: 'void *', len: 'size_t' });
  const MsgHdr = koffi.struct('berthd_msghdr', {
    name: 'void *', namelen: 'uint32', iov: koffi.pointer(IoVec), iovlen: 'size_t',
    control: 'void *', controllen: 'size_t', flags: 'int',
  });
  bound = {
    koffi, MsgHdr,
    flock: f('int flock(int fd, int op)'),
    prctl: f('int prctl(int op, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)'),
    syscall: f('long syscall(long nr, ...)'),
    ioctl: f('int ioctl(int fd, unsigned long req, void *arg)'),
    recvmsg: f('long recvmsg(int fd, _Inout_ berthd_msghdr *msg, int flags)'),
    close: f('int close(int fd)'),
  };
  return bound;
}

function check(ret: number | bigint, call: string, object?: string): number {
  if (Number(ret) < 0) throw new SysError(call, lib().koffi.errno(), object);
  return Number(ret);
}

/** Takes an exclusive lock on fd without waiting; false when another process holds it. */
export function tryLock(fd: number, path: string): boolean {
  const b = lib();
  if (b.flock(fd, LOCK_EX | LOCK_NB) === 0) return true;
  const e = b.koffi.errno();
  if (e === EWOULDBLOCK) return false;
  throw new SysError('flock', e, path);
}

/** Makes orphaned descendants (container inits whose parent exits) children of this process. */
export function becomeSubreaper(): void {
  check(lib().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 'prctl PR_SET_CHILD_SUBREAPER');
}

export function pidfdOpen(pid: number): number {
  const b = lib();
  return check(b.syscall(SYS_pidfd_open, 'int', pid, 'unsigned int', 0), 'pidfd_open', `pid ${pid}`);
}

/** A duplicate (close-on-exec) of fd `target` of the process behind pidfd. */
export function pidfdGetfd(pidfd: number, target: number): number {
  const b = lib();
  return check(b.syscall(SYS_pidfd_getfd, 'int', pidfd, 'int', target, 'unsigned int', 0), 'pidfd_getfd', `fd ${target}`);
}

/** Signals exactly the process behind pidfd (never one that reused its pid); ESRCH once it has exited. */
export function pidfdSendSignal(pidfd: number, signal: number): void {
  check(lib().syscall(SYS_pidfd_send_signal, 'int', pidfd, 'int', signal, 'void *', null, 'unsigned int', 0), 'pidfd_send_signal', `pidfd ${pidfd}`);
}

export function closeFd(fd: number): void {
  lib().close(fd);
}

export function setWinsize(fd: number, rows: number, cols: number): void {
  const ws = Buffer.alloc(8);
  ws.writeUInt16LE(rows, 0);
  ws.writeUInt16LE(cols, 2);
  check(lib().ioctl(fd, TIOCSWINSZ, ws), 'ioctl TIOCSWINSZ', `fd ${fd}`);
}

/**
 * One non-blocking recvmsg on a connected Unix socket: the fds passed with
 * SCM_RIGHTS (close-on-exec), or undefined when nothing has arrived yet.
 * The data bytes (runc sends the pty's name) are returned too.
 */
export function recvFds(fd: number): { fds: number[]; data: Buffer } | undefined {
  const b = lib();
  const data = Buffer.alloc(4096);
  const control = Buffer.alloc(256);
  const msg = { name: null, namelen: 0, iov: [{ base: data, len: data.length }], iovlen: 1, control, controllen: control.length, flags: 0 };
  const n = Number(b.recvmsg(fd, msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC));
  if (n < 0) {
    const e = b.koffi.errno();
    if (e === EAGAIN) return undefined;
    throw new SysError('recvmsg', e, `console socket fd ${fd}`);
  }
  const fds: number[] = [];
  // struct cmsghdr { size_t len; int level; int type; } then data, each aligned to 8.
  let off = 0;
  const clen = Number(msg.controllen);
  while (off + 16 <= clen) {
    const len = Number(control.readBigUInt64LE(off));
    if (len < 16) break;
    const level = control.readInt32LE(off + 8);
    const type = control.readInt32LE(off + 12);
    if (level === SOL_SOCKET && type === SCM_RIGHTS) for (let p = off + 16; p + 4 <= off + len; p += 4) fds.push(control.readInt32LE(p));
    off += (len + 7) & ~7;
  }
  return { fds, data: data.subarray(0, n) };
}
