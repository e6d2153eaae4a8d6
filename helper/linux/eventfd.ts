// An eventfd the kernel signals (cgroup v1 notifications), read through
// Node's event loop rather than by a blocked thread.
//
// Why the pipe handle: Node wraps an fd in a stream only when libuv guesses
// its kind from fstat, and an eventfd is an anonymous inode of no kind
// (net.Socket({fd}) throws ERR_INVALID_FD_TYPE). fs.createReadStream would
// park one libuv pool thread in read(2) per eventfd until it fires, and the
// pool has four. libuv's pipe handle, though, opens any fd that epoll can
// watch (uv_pipe_open checks no file type), and an eventfd is one: wrapped
// that way, the eventfd sits in the loop's epoll set and costs nothing until
// the kernel writes to it. Node's public API offers no such wrapper, so the
// handle comes from process.binding('pipe_wrap'), the binding net.Socket
// itself is built on (undocumented but stable since Node 0.x; still there in
// Node 24). test/cgroups/oomevents.test.ts measures the whole path: 70 to
// 180 ms from a container's trigger to the `oom` event, most of it the
// container filling its 64 MB.
import { Socket } from 'node:net';
import * as C from './constants';
import { check, libc } from './libc';

const EFD_CLOEXEC = C.O_CLOEXEC;

/** A new eventfd (close-on-exec, blocking: the event loop makes it non-blocking when it adopts it). */
export function eventfd(): number {
  return check(libc().syscall(C.SYS.eventfd2, 'uint32', 0, 'int', EFD_CLOEXEC), 'eventfd2');
}

interface PipeHandle {
  open(fd: number): number;
}
interface PipeWrap {
  Pipe: new (type: number) => PipeHandle;
  constants: { SOCKET: number };
}

/**
 * A readable stream over `fd` that the event loop polls (see above). Each
 * 'data' chunk holds one or more 8-byte counter values; the stream owns the
 * fd and closes it on destroy(). Throws when this Node lacks the binding.
 */
export function pollableStream(fd: number, what: string): Socket {
  const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
  if (typeof binding !== 'function') throw new Error(`${what}: this Node has no process.binding to poll an eventfd with`);
  const { Pipe, constants } = binding('pipe_wrap') as PipeWrap;
  const handle = new Pipe(constants.SOCKET);
  const err = handle.open(fd);
  if (err !== 0) throw new Error(`${what}: the event loop cannot poll fd ${fd} (libuv error ${err})`);
  return new Socket({ handle, readable: true, writable: false } as unknown as ConstructorParameters<typeof Socket>[0]);
}
