// Unix datagram sockets, which Node's dgram module does not offer (UDP
// only): what the sd_notify protocol speaks. recv runs on one of koffi's
// worker threads (an async call), so waiting for a message never blocks
// Node's event loop.
import { closeSync } from 'node:fs';
import { check, libc } from './libc';

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_RCVTIMEO = 20;

type Fn = ((...args: unknown[]) => number) & { async: (...args: unknown[]) => void };
let fns: { bind: Fn; recv: Fn; sendto: Fn; setsockopt: Fn } | undefined;

function calls(): NonNullable<typeof fns> {
  if (fns) return fns;
  const { koffi } = libc();
  const lib = koffi.load('libc.so.6');
  const f = (proto: string) => lib.func(proto) as unknown as Fn;
  fns = {
    bind: f('int bind(int fd, berth_sockaddr_un *addr, uint32_t len)'),
    recv: f('long recv(int fd, _Out_ uint8_t *buf, size_t len, int flags)'),
    sendto: f('long sendto(int fd, const uint8_t *buf, size_t len, int flags, berth_sockaddr_un *addr, uint32_t alen)'),
    setsockopt: f('int setsockopt(int fd, int level, int name, const uint8_t *val, uint32_t len)'),
  };
  return fns;
}

function address(path: string): { family: number; path: number[] } {
  if (Buffer.byteLength(path) >= 108) throw new Error(`socket path \`${path}\` is too long (at most 107 bytes)`);
  return { family: AF_UNIX, path: Array.from(Buffer.from(path + '\0')) };
}

/** A datagram socket bound at `path`, whose receives give up after `timeoutMs` (so a waiter can look at other things). */
export function bindDgram(path: string, timeoutMs: number): number {
  const fd = check(libc().socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), 'socket', path);
  try {
    check(calls().bind(fd, address(path), 110), 'bind', path);
    const tv = Buffer.alloc(16); // struct timeval { time_t tv_sec; suseconds_t tv_usec; }
    tv.writeBigInt64LE(BigInt(Math.floor(timeoutMs / 1000)), 0);
    tv.writeBigInt64LE(BigInt((timeoutMs % 1000) * 1000), 8);
    check(calls().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16), 'setsockopt SO_RCVTIMEO', path);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

/** One datagram, or undefined when the receive timed out. */
export function recvDgram(fd: number): Promise<Buffer | undefined> {
  const buf = Buffer.alloc(4096);
  return new Promise((resolve, reject) => {
    calls().recv.async(fd, buf, buf.length, 0, (err: unknown, n: number) => {
      if (err) return reject(err as Error);
      // EAGAIN after SO_RCVTIMEO, EINTR: nothing this time.
      resolve(Number(n) < 0 ? undefined : buf.subarray(0, Number(n)));
    });
  });
}

/** Sends one datagram to the socket at `path`. */
export function sendDgram(path: string, data: Buffer): void {
  const fd = check(libc().socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), 'socket', path);
  try {
    check(calls().sendto(fd, data, data.length, 0, address(path), 110), 'sendto', path);
  } finally {
    closeSync(fd);
  }
}
