// A minimal seccomp agent for the SCMP_ACT_NOTIFY test (and a console socket
// receiver for the exec tests): listens on a Unix
// socket, receives the notify fd with SCM_RIGHTS and the JSON beside it, then
// answers one notification. Node's net module cannot receive fds, so this
// uses koffi; blocking calls run as koffi async calls (worker threads) so the
// test's event loop keeps going.
import { closeSync } from 'node:fs';
import type * as Koffi from 'koffi';

const koffi = require('koffi') as typeof Koffi;
const libc = koffi.load('libc.so.6');
const seccomp = koffi.load('libseccomp.so.2');
const socket = libc.func('int socket(int, int, int)');
const bind = libc.func('int bind(int, const void *, uint32_t)');
const listen = libc.func('int listen(int, int)');
const accept = libc.func('int accept(int, void *, void *)');
const recvmsg = libc.func('intptr_t recvmsg(int, void *, int)');
const notifyReceive = seccomp.func('int seccomp_notify_receive(int fd, void *req)');
const notifyRespond = seccomp.func('int seccomp_notify_respond(int fd, void *resp)');
// libseccomp probes the kernel's notify support on first use of its API level;
// without this the notify calls answer EOPNOTSUPP in a process that never loaded a filter.
seccomp.func('unsigned int seccomp_api_get(void)')();

function call<T>(fn: { async(...args: unknown[]): void }, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => fn.async(...args, (err: unknown, res: T) => (err ? reject(err) : resolve(res))));
}

export interface Received {
  fd: number;
  message: Record<string, unknown>;
}

export class Agent {
  readonly fd: number;
  constructor(readonly path: string) {
    const addr = Buffer.alloc(110);
    addr.writeUInt16LE(1, 0);
    Buffer.from(path).copy(addr, 2);
    this.fd = socket(1, 1 | 0o2000000, 0);
    if (this.fd < 0 || bind(this.fd, addr, 110) < 0 || listen(this.fd, 1) < 0) throw new Error(`agent listen ${path}: errno ${koffi.errno()}`);
  }

  /** Accepts one connection and reads one message with its fd; the payload is JSON. */
  async receive(): Promise<Received> {
    const raw = await this.receiveRaw();
    return { fd: raw.fd, message: JSON.parse(raw.data) };
  }

  /** Accepts one connection and reads one message with its fd (also runc's console socket protocol). */
  async receiveRaw(): Promise<{ fd: number; data: string }> {
    const conn = await call<number>(accept, this.fd, null, null);
    if (conn < 0) throw new Error(`agent accept: errno ${koffi.errno()}`);
    try {
      const data = Buffer.alloc(65536);
      const control = Buffer.alloc(64);
      const iov = Buffer.alloc(16);
      iov.writeBigUInt64LE(koffi.address(data), 0);
      iov.writeBigUInt64LE(BigInt(data.length), 8);
      const msg = Buffer.alloc(56);
      msg.writeBigUInt64LE(koffi.address(iov), 16);
      msg.writeBigUInt64LE(1n, 24);
      msg.writeBigUInt64LE(koffi.address(control), 32);
      msg.writeBigUInt64LE(BigInt(control.length), 40);
      const n = Number(await call<bigint | number>(recvmsg, conn, msg, 0));
      if (n <= 0) throw new Error(`agent recvmsg: ${n} errno ${koffi.errno()}`);
      if (control.readInt32LE(8) !== 1 || control.readInt32LE(12) !== 1) throw new Error('agent: no SCM_RIGHTS in the message');
      return { fd: control.readInt32LE(16), data: data.subarray(0, n).toString() };
    } finally {
      closeSync(conn);
    }
  }

  /** Waits for one notification and makes the syscall return `val`; returns the syscall number and pid. */
  async answer(notifyFd: number, val: number): Promise<{ nr: number; pid: number }> {
    const req = Buffer.alloc(256);
    const rc = await call<number>(notifyReceive, notifyFd, req);
    if (rc < 0) throw new Error(`agent seccomp_notify_receive: ${rc}`);
    const resp = Buffer.alloc(24);
    req.copy(resp, 0, 0, 8); // id
    resp.writeBigInt64LE(BigInt(val), 8);
    if (notifyRespond(notifyFd, resp) < 0) throw new Error('agent seccomp_notify_respond failed');
    return { nr: req.readInt32LE(16), pid: req.readUInt32LE(8) };
  }

  close(): void {
    closeSync(this.fd);
  }
}
