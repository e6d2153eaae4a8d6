// Consoles of process.terminal containers. berthd receives the pty master
// on a console socket (runc's protocol: the runtime connects and sends the
// fd with SCM_RIGHTS), keeps it, copies output into a scrollback ring and to
// every attached session, and writes session input to it.
//
// The master must outlive a kill -9 of berthd, or the container's terminal
// dies with it. So berthd also hands a copy to a keeper — a `sleep infinity`
// in its own session holding the master as fd 3 — and a restarted berthd
// takes it back with pidfd_getfd (keeper.ts). The scrollback is kept on
// disk as well (scrollbackFile.ts), so that berthd's replay starts where the
// console was when it died.
import { closeSync, openSync, rmSync, write } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { basename, dirname } from 'node:path';
import { ReadStream } from 'node:tty';
import * as C from '../linux/constants';
import { SCROLLBACK_BYTES } from '../protocol/version';
import { ScrollbackFile } from './scrollbackFile';
import { recvFds, setWinsize } from './sys';

export interface ConsoleSink {
  (data: Buffer): void;
}

export class Console {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private sinks = new Map<string, ConsoleSink>();
  /** Per session: told once when the console ends (the container's terminal closed). */
  private enders = new Map<string, () => void>();
  private stream: ReadStream;
  private closed = false;
  /** Input not yet accepted by the pty (it is non-blocking: EAGAIN means retry). */
  private pending: Buffer[] = [];
  private writing = false;
  private closeHandlers: (() => void)[] = [];
  private persisted?: ScrollbackFile;

  /** persist: a file for the scrollback (replayed from it first, then appended to), or none (exec'd terminals). */
  constructor(readonly id: string, readonly fd: number, persist?: string, onPersistError?: (e: Error) => void) {
    if (persist) {
      const earlier = ScrollbackFile.read(persist);
      if (earlier.length) {
        this.chunks.push(earlier);
        this.bytes = earlier.length;
      }
      try {
        this.persisted = new ScrollbackFile(persist, SCROLLBACK_BYTES, onPersistError);
      } catch (e) {
        onPersistError?.(e as Error);
      }
    }
    // A pty master is a TTY to libuv: net.Socket refuses it, tty.ReadStream
    // reads it; input goes through fs.write (see flush).
    this.stream = new ReadStream(fd);
    this.stream.on('data', (d: Buffer) => this.output(d));
    // EIO when the last slave fd closes: the container's terminal is gone.
    this.stream.on('error', () => this.finish());
    this.stream.on('close', () => this.finish());
  }

  private output(d: Buffer): void {
    this.chunks.push(d);
    this.bytes += d.length;
    while (this.bytes - this.chunks[0].length >= SCROLLBACK_BYTES) this.bytes -= this.chunks.shift()!.length;
    this.persisted?.append(d);
    for (const sink of this.sinks.values()) sink(d);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.persisted?.close();
    for (const h of this.closeHandlers) h();
    for (const end of this.enders.values()) end();
    this.enders.clear();
  }

  onClose(h: () => void): void {
    if (this.closed) h();
    else this.closeHandlers.push(h);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  scrollback(): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.length > SCROLLBACK_BYTES ? all.subarray(all.length - SCROLLBACK_BYTES) : all;
  }

  attach(session: string, sink: ConsoleSink, ended: () => void): void {
    this.sinks.set(session, sink);
    this.enders.set(session, ended);
  }

  detach(session: string): boolean {
    this.enders.delete(session);
    return this.sinks.delete(session);
  }

  get sessions(): number {
    return this.sinks.size;
  }

  write(data: Buffer): void {
    if (this.closed) return;
    this.pending.push(data);
    this.flush();
  }

  private flush(): void {
    if (this.writing || this.closed) return;
    const next = this.pending.shift();
    if (!next) return;
    this.writing = true;
    write(this.fd, next, (err, n) => {
      this.writing = false;
      if (err && err.code !== 'EAGAIN') return this.finish();
      const rest = err ? next : next.subarray(n);
      if (rest.length) this.pending.unshift(rest);
      if (err) setTimeout(() => this.flush(), 5);
      else this.flush();
    });
  }

  resize(rows: number, cols: number): void {
    setWinsize(this.fd, rows, cols);
  }

  /** Stops serving; the socket closes berthd's copy of the master (the keeper's stays until it is killed). */
  close(): void {
    this.stream.destroy();
    this.finish();
    this.sinks.clear();
  }
}

/**
 * Listens on a console socket and resolves with the first fd a peer sends.
 * The accepted connection is paused so that Node never reads (and drops) the
 * SCM_RIGHTS message; recvmsg is polled instead, which costs a few ms once.
 */
export class ConsoleReceiver {
  private server: Server;
  readonly received: Promise<number>;
  private abort!: (e: Error) => void;
  private closed = false;

  /**
   * `path` names the socket in messages and is removed on close; `address`,
   * /proc/self/fd/<dir>/<name>, is what it is bound at and what the runtime
   * connects to (in berthd's process, while this receiver holds the fd of
   * its directory). A path under the root, <root>/berthd@/containers/<id>/,
   * can pass the 107 bytes a socket address holds: a long --root or id
   * made create fail with "console socket path … is too long".
   */
  private constructor(readonly path: string, readonly address: string, private readonly dir: number, server: Server, received: Promise<number>) {
    this.server = server;
    this.received = received;
  }

  static async listen(path: string, timeoutMs = 10_000): Promise<ConsoleReceiver> {
    rmSync(path, { force: true });
    const dir = openSync(dirname(path), C.O_PATH | C.O_DIRECTORY | C.O_CLOEXEC);
    const address = `/proc/self/fd/${dir}/${basename(path)}`;
    let resolveFd!: (fd: number) => void;
    let rejectFd!: (e: Error) => void;
    const received = new Promise<number>((res, rej) => {
      resolveFd = res;
      rejectFd = rej;
    });
    received.catch(() => undefined);
    const server = createServer({ pauseOnConnect: true }, (sock) => {
      const fd = (sock as unknown as { _handle: { fd: number } })._handle.fd;
      const deadline = Date.now() + timeoutMs;
      const poll = () => {
        try {
          const got = recvFds(fd);
          if (got === undefined) {
            if (Date.now() > deadline) throw new Error(`console socket ${path}: no pty master within ${timeoutMs} ms`);
            setTimeout(poll, 2);
            return;
          }
          if (got.fds.length === 0) throw new Error(`console socket ${path}: message carried no fd`);
          for (const extra of got.fds.slice(1)) closeSync(extra);
          resolveFd(got.fds[0]);
        } catch (e) {
          rejectFd(e as Error);
        }
        sock.destroy();
      };
      poll();
    });
    try {
      await new Promise<void>((res, rej) => {
        server.once('error', rej);
        server.listen(address, () => res());
      });
    } catch (e) {
      closeSync(dir);
      throw e;
    }
    const r = new ConsoleReceiver(path, address, dir, server, received);
    r.abort = rejectFd;
    return r;
  }

  close(): void {
    if (this.closed) return; // the directory's fd number may belong to another file by now
    this.closed = true;
    this.abort(new Error(`console socket ${this.path}: closed`));
    this.server.close();
    rmSync(this.path, { force: true });
    closeSync(this.dir);
  }
}
