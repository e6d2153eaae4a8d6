// The seccomp agent hand-off (runtime-spec seccomp.md): when a filter uses
// SCMP_ACT_NOTIFY, the notify fd goes to the agent listening on
// `listenerPath`, as SCM_RIGHTS on a Unix stream socket, together with a JSON
// "container process state" naming that fd. The socket is connected early,
// while the stage still sees the host's filesystem (listenerPath is a host
// path; the filter is loaded after pivot_root), and used once, after load.
import { closeSync } from 'node:fs';
import { constants } from 'node:os';
import { getSystemErrorName } from 'node:util';
import type * as Koffi from 'koffi';
import type { State } from '../../spec/types';

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;

interface Libc {
  koffi: typeof Koffi;
  socket(domain: number, type: number, proto: number): number;
  connect(fd: number, addr: Buffer, len: number): number;
  sendmsg(fd: number, msg: object, flags: number): number;
}

let libc: Libc | undefined;
function c(): Libc {
  if (libc) return libc;
  const koffi = require('koffi') as typeof Koffi;
  const so = koffi.load('libc.so.6');
  const iovec = koffi.struct({ iov_base: 'void *', iov_len: 'size_t' });
  const msghdr = koffi.struct({
    msg_name: 'void *',
    msg_namelen: 'uint32_t',
    msg_iov: koffi.pointer(iovec),
    msg_iovlen: 'size_t',
    msg_control: 'void *',
    msg_controllen: 'size_t',
    msg_flags: 'int',
  });
  libc = {
    koffi,
    socket: so.func('int socket(int domain, int type, int protocol)'),
    connect: so.func('int connect(int fd, const void *addr, uint32_t len)'),
    sendmsg: so.func('sendmsg', 'intptr_t', ['int', koffi.pointer(msghdr), 'int']),
  };
  return libc;
}

function errnoName(): string {
  return getSystemErrorName(-c().koffi.errno());
}

/** Loads libc for the hand-off now (before the stage leaves the host's filesystem). */
export function prepareListener(): void {
  c();
}

/** Connects to the agent's socket; returns the socket fd (close-on-exec). */
export function connectListener(path: string, pointer = '/linux/seccomp/listenerPath'): number {
  const l = c();
  const addr = Buffer.alloc(110);
  const name = Buffer.from(path);
  if (name.length >= 108) throw new Error(`${pointer}: socket path \`${path}\` is longer than 107 bytes`);
  addr.writeUInt16LE(AF_UNIX, 0);
  name.copy(addr, 2);
  const fd = l.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`${pointer}: socket: ${errnoName()}`);
  if (l.connect(fd, addr, 2 + name.length + 1) < 0) {
    const err = errnoName();
    closeSync(fd);
    throw new Error(`${pointer}: connect \`${path}\`: ${err}`);
  }
  return fd;
}

/** What the agent receives beside the fd (seccomp.md "Container Process State"). */
export interface ProcessState {
  ociVersion: string;
  fds: string[];
  pid: number;
  metadata?: string;
  state: State;
}

/** Sends `payload` with `fds` attached in one message, then the rest of a long payload. */
export function sendWithFds(sock: number, payload: Buffer, fds: number[]): void {
  const l = c();
  const dataLen = 4 * fds.length;
  const cmsgLen = 16 + dataLen; // CMSG_LEN: the 16-byte cmsghdr on 64-bit, then the fds
  const control = Buffer.alloc((cmsgLen + 7) & ~7); // CMSG_SPACE
  control.writeBigUInt64LE(BigInt(cmsgLen), 0);
  control.writeInt32LE(SOL_SOCKET, 8);
  control.writeInt32LE(SCM_RIGHTS, 12);
  fds.forEach((fd, i) => control.writeInt32LE(fd, 16 + 4 * i));
  let sent = 0;
  let first = true;
  while (sent < payload.length) {
    const chunk = payload.subarray(sent);
    const msg = {
      msg_name: null,
      msg_namelen: 0,
      msg_iov: [{ iov_base: chunk, iov_len: chunk.length }],
      msg_iovlen: 1,
      msg_control: first ? control : null,
      msg_controllen: first ? control.length : 0,
      msg_flags: 0,
    };
    const n = Number(l.sendmsg(sock, msg, 0));
    if (n < 0) {
      if (l.koffi.errno() === constants.errno.EINTR) continue;
      throw new Error(`send seccomp notify fd to listener: ${errnoName()}`);
    }
    sent += n;
    first = false;
  }
}

/** Hands the notify fd to the agent and closes both fds: the container must not keep them. */
export function sendToListener(sock: number, notifyFd: number, info: Omit<ProcessState, 'fds'>): void {
  const message: ProcessState = { ociVersion: info.ociVersion, fds: ['seccompFd'], pid: info.pid, state: info.state };
  if (info.metadata !== undefined) message.metadata = info.metadata;
  try {
    sendWithFds(sock, Buffer.from(JSON.stringify(message)), [notifyFd]);
  } finally {
    closeSync(sock);
    closeSync(notifyFd);
  }
}
