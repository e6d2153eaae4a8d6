// Pseudo-terminals and fd passing: a pty pair from /dev/ptmx, the window
// size, the controlling terminal, and SCM_RIGHTS over a Unix socket (runc's
// --console-socket protocol: one message whose payload is the pty's name and
// whose ancillary data carries the master fd).
import { openSync } from 'node:fs';
import * as C from './constants';
import { check, libc } from './libc';

export interface Pty {
  master: number;
  slave: number;
  name: string;
}

/** Opens a new pty pair from `ptmx` (inside the container: its own devpts instance). */
export function openPty(ptmx = '/dev/ptmx'): Pty {
  const l = libc();
  const master = openSync(ptmx, C.O_RDWR | C.O_NOCTTY | C.O_CLOEXEC);
  const zero = Buffer.alloc(4);
  check(l.ioctlPtr(master, C.TIOCSPTLCK, zero), 'ioctl TIOCSPTLCK', ptmx);
  const n = Buffer.alloc(4);
  check(l.ioctlPtr(master, C.TIOCGPTN, n), 'ioctl TIOCGPTN', ptmx);
  const name = `/dev/pts/${n.readUInt32LE(0)}`;
  const slave = openSync(name, C.O_RDWR | C.O_NOCTTY | C.O_CLOEXEC);
  return { master, slave, name };
}

export function setWinsize(fd: number, rows: number, cols: number): void {
  const ws = Buffer.alloc(8);
  ws.writeUInt16LE(rows, 0);
  ws.writeUInt16LE(cols, 2);
  check(libc().ioctlPtr(fd, C.TIOCSWINSZ, ws), 'ioctl TIOCSWINSZ');
}

export function getWinsize(fd: number): { rows: number; cols: number } | undefined {
  const ws = Buffer.alloc(8);
  if (libc().ioctlPtr(fd, C.TIOCGWINSZ, ws) < 0) return undefined;
  return { rows: ws.readUInt16LE(0), cols: ws.readUInt16LE(2) };
}

export function setControllingTerminal(fd: number): void {
  check(libc().ioctlInt(fd, C.TIOCSCTTY, 0), 'ioctl TIOCSCTTY');
}

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_CLOEXEC = 0o2000000;

/** Connects to a Unix socket synchronously; returns the fd (close-on-exec). */
export function connectUnix(path: string): number {
  const l = libc();
  const fd = check(l.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), 'socket');
  const addr = { family: AF_UNIX, path: Array.from(Buffer.from(path + '\0')) };
  if (Buffer.byteLength(path) >= 108) throw new Error(`console socket path \`${path}\` is too long`);
  check(l.connect(fd, addr, 110), 'connect', path);
  return fd;
}

export function socketPair(): [number, number] {
  const sv = [0, 0];
  check(libc().socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 'socketpair');
  return [sv[0], sv[1]];
}

/** Sends `fd` with `payload` as the data bytes (runc sends the terminal's name). */
export function sendFd(sock: number, fd: number, payload: string): void {
  const l = libc();
  const data = Buffer.from(payload);
  const control = Buffer.alloc(24);
  control.writeBigUInt64LE(20n, 0); // cmsg_len = CMSG_LEN(sizeof(int))
  control.writeInt32LE(1, 8); // SOL_SOCKET
  control.writeInt32LE(1, 12); // SCM_RIGHTS
  control.writeInt32LE(fd, 16);
  const msg = { name: null, namelen: 0, iov: { base: data, len: data.length }, iovlen: 1, control, controllen: 24, flags: 0 };
  check(l.sendmsg(sock, msg, 0), 'sendmsg');
}

/** Receives one fd sent by sendFd. */
export function recvFd(sock: number): number {
  const l = libc();
  const data = Buffer.alloc(256);
  const control = Buffer.alloc(24);
  const msg = { name: null, namelen: 0, iov: { base: data, len: data.length }, iovlen: 1, control, controllen: 24, flags: 0 };
  check(l.recvmsg(sock, msg, 0), 'recvmsg');
  if (control.readInt32LE(12) !== 1) throw new Error('console socket: no fd received');
  return control.readInt32LE(16);
}
