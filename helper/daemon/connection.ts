// One client connection: the peer check (done by the daemon before this is
// built), hello gating, ajv validation of every request, per-container
// serialisation, the audit line, and the sessions and subscriptions the
// client opened — all torn down when it disconnects.
import type { Socket } from 'node:net';
import { createMessageConnection, type MessageConnection, ResponseError } from 'vscode-jsonrpc';
import { ErrorCode } from '../protocol/errors';
import { Notifications } from '../protocol/events';
import { LimitedReader } from '../protocol/framing';
import { CorkingWriter } from '../protocol/writer';
import { isMethod, type Method, PerContainer } from '../protocol/methods';
import { checkParams } from '../protocol/validate';
import type { AuditLog } from './audit';
import { Backlog } from './backlog';
import type { EventBus } from './bus';
import type { Console } from './console';
import type { Containers, Peer } from './containers';
import { DaemonError, toResponseError } from './errors';
import { ownEventsOnly } from './eventFilter';
import { type CallContext, handlers, newSessionId } from './handlers';
import type { Logger } from './log';
import type { KeyedQueue } from './queue';

export interface Shared {
  containers: Containers;
  bus: EventBus;
  queue: KeyedQueue;
  audit: AuditLog;
  log: Logger;
  root: string;
  version: string;
}

/**
 * Subscriptions one connection may hold. Every event is sent once per
 * subscription, and a client that does not read keeps them all queued in
 * berthd: 20,000 of them made five create/delete cycles take 15 s and
 * berthd grow by 500 MB.
 */
export const MAX_SUBSCRIPTIONS = 64;

/**
 * Output sessions (attach, logs --follow, exec with a terminal) one
 * connection may hold. Each follow session polls its log every 200 ms:
 * 20,000 of them kept berthd at half a core with nothing to follow.
 */
export const MAX_SESSIONS = 64;

/** Whether a request would open an output session. */
function opensSession(method: string, params: unknown): boolean {
  const p = params as { follow?: unknown; process?: { terminal?: unknown } } | undefined;
  return method === 'attach' || (method === 'logs' && p?.follow === true) || (method === 'exec' && p?.process?.terminal === true);
}

/**
 * Answer bytes queued to a client and not yet taken by the kernel past which
 * its next requests wait (and its socket is not read). A client that sends
 * requests and never reads the answers would otherwise have berthd hold them
 * all: 400 `logs` of a 1 MiB log, one write of 16 KB, grew berthd by 1 GB.
 */
export const MAX_UNSENT_ANSWERS = 1 << 20;

/** Methods whose answer may be large (a log, a scrollback): run one at a time per connection, each once the last answer is out. */
const BULKY: ReadonlySet<string> = new Set(['logs', 'attach']);

interface Session {
  id: string;
  stream: 'console' | 'log';
  stop: () => void;
  console?: Console;
}

export class Connection {
  private rpc: MessageConnection;
  private hello = false;
  private subs = new Set<string>();
  private sessions = new Map<string, Session>();
  private closers = new Set<() => void>();
  private closed = false;
  /** Output notifications queued to this client and not yet written (backlog.ts). */
  private backlog = new Backlog();
  /** Requests waiting for the client to read its answers (MAX_UNSENT_ANSWERS); the socket is paused while any do. */
  private waiting = 0;
  /** The last bulky request of this connection, which the next one waits for. */
  private bulky: Promise<unknown> = Promise.resolve();
  /** Requests under way that will open a session, counted against MAX_SESSIONS before they have one. */
  private opening = 0;

  constructor(private readonly socket: Socket, readonly peer: Peer, private readonly shared: Shared, onClose: () => void) {
    const writer = new CorkingWriter(socket);
    const reader = new LimitedReader(socket, {
      role: 'server',
      onMalformed: (m) => {
        this.auditError('(malformed)', undefined, m.code, m.message);
        void writer.write({ jsonrpc: '2.0', id: m.id, error: { code: m.code, message: m.message } } as never).then(() => {
          if (m.fatal) socket.end();
        });
      },
    });
    const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, log: () => undefined };
    this.rpc = createMessageConnection(reader, writer, quiet);
    this.rpc.onRequest((method, params) => this.handle(method, params));
    this.rpc.onClose(() => this.dispose(onClose));
    socket.on('error', () => this.dispose(onClose));
    socket.on('close', () => this.dispose(onClose));
    this.rpc.listen();
  }

  private dispose(onClose: () => void): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.subs) this.shared.bus.unsubscribe(s);
    for (const s of this.sessions.values()) s.stop();
    this.sessions.clear();
    for (const fn of this.closers) fn();
    this.closers.clear();
    this.rpc.dispose();
    this.socket.destroy();
    onClose();
  }

  close(): void {
    this.socket.destroy();
  }

  /**
   * The client stopped reading: its output sessions end here (their stop()
   * detaches them from the console or log), each with a sessionClosed that
   * says why, queued behind what it has not read. The connection stays: the
   * client may attach again, and gets the scrollback.
   */
  private overflowed(): void {
    const reason = `client not reading: more than ${this.backlog.cap} bytes of output unsent; detached (the container keeps running; attach again for the scrollback)`;
    for (const [session, s] of this.sessions) {
      s.stop();
      this.sessions.delete(session);
      void this.rpc.sendNotification(Notifications.sessionClosed, { session, id: s.id, reason }).catch(() => undefined);
    }
    this.shared.log('warn', 'detached a client that does not read its output', { uid: this.peer.uid, pid: this.peer.pid, unsent: this.backlog.bytes });
  }

  private auditError(method: string, id: string | undefined, code: number, message: string, ms?: number): void {
    this.shared.audit.write({ uid: this.peer.uid, gid: this.peer.gid, pid: this.peer.pid, method, id, result: 'error', code, message, ms });
  }

  /** Resolves once the client has read enough of its answers (or is gone); meanwhile no more of its requests are read. */
  private async answersRead(): Promise<void> {
    while (!this.closed && this.socket.writableLength > MAX_UNSENT_ANSWERS) {
      if (this.waiting++ === 0) this.socket.pause();
      try {
        await new Promise<void>((res) => {
          const done = () => {
            this.socket.off('drain', done);
            this.socket.off('close', done);
            res();
          };
          this.socket.on('drain', done);
          this.socket.on('close', done);
        });
      } finally {
        if (--this.waiting === 0 && !this.closed) this.socket.resume();
      }
    }
  }

  /**
   * Waits for room for the answer; bulky methods also wait for the previous
   * bulky request to have answered (its answer is queued by the next turn),
   * so large answers never pile up in memory. Returns what ends the turn.
   */
  private async room(method: string): Promise<() => void> {
    if (!BULKY.has(method)) {
      await this.answersRead();
      return () => undefined;
    }
    const previous = this.bulky;
    let release!: () => void;
    this.bulky = new Promise<void>((r) => (release = r));
    await previous;
    await new Promise((r) => setImmediate(r));
    await this.answersRead();
    return release;
  }

  private async handle(method: string, params: unknown): Promise<unknown> {
    const t0 = performance.now();
    const done = await this.room(method);
    try {
      return await this.serve(method, params, t0);
    } finally {
      done();
    }
  }

  private async serve(method: string, params: unknown, t0: number): Promise<unknown> {
    const id = typeof (params as { id?: unknown })?.id === 'string' ? ((params as { id: string }).id.slice(0, 200)) : undefined;
    try {
      if (!isMethod(method)) throw new DaemonError(ErrorCode.MethodNotFound, `method ${method.slice(0, 100)}: not found`);
      if (!this.hello && method !== 'hello') throw new DaemonError(ErrorCode.HelloRequired, `${method}: send hello first`);
      const problem = checkParams(method, params);
      if (problem) throw new DaemonError(ErrorCode.InvalidParams, `${method}: ${problem.message}`, { pointer: problem.pointer });
      const p = (params ?? {}) as never;
      const session = opensSession(method, params);
      if (session && this.sessions.size + this.opening >= MAX_SESSIONS) {
        throw new DaemonError(ErrorCode.TooMany, `${method}: this connection already holds ${this.sessions.size + this.opening} output sessions, the most one may hold; detach some`);
      }
      const run = async () => {
        // Under the container's queue, so the owner checked is the owner acted on.
        if (id !== undefined && method !== 'create' && method !== 'run') this.shared.containers.checkOwner(id, this.peer);
        return this.call(method, p);
      };
      if (session) this.opening++;
      let result: unknown;
      try {
        result = PerContainer.has(method) && id !== undefined ? await this.shared.queue.run(id, run) : await run();
      } finally {
        if (session) this.opening--;
      }
      if (method === 'hello') this.hello = true;
      const ms = Math.round(performance.now() - t0);
      this.shared.audit.write({ uid: this.peer.uid, gid: this.peer.gid, pid: this.peer.pid, method, id, result: 'ok', ms });
      this.shared.log('debug', 'request', { method, id, uid: this.peer.uid, ms });
      return result;
    } catch (e) {
      const err = toResponseError(e);
      const ms = Math.round(performance.now() - t0);
      this.auditError(method.slice(0, 100), id, err.code, err.message, ms);
      this.shared.log('debug', 'request failed', { method: method.slice(0, 100), id, uid: this.peer.uid, code: err.code, error: err.message });
      return err as ResponseError<unknown>;
    }
  }

  private call(method: Method, params: never): Promise<unknown> | unknown {
    const h = handlers[method] as ((c: CallContext, p: never) => unknown) | undefined;
    if (!h) throw new DaemonError(ErrorCode.MethodNotFound, `method ${method}: not found`);
    return h(this.context(), params);
  }

  private context(): CallContext {
    const { bus, containers, root, version } = this.shared;
    return {
      peer: this.peer,
      containers,
      root,
      version,
      subscribe: (ids) => {
        if (this.subs.size >= MAX_SUBSCRIPTIONS) {
          throw new DaemonError(ErrorCode.TooMany, `subscribe: this connection already holds ${this.subs.size} subscriptions, the most one may hold; unsubscribe some (one subscription can name many ids, or none for all)`);
        }
        const visible = this.peer.strict ? ownEventsOnly(containers, this.peer.uid) : () => true;
        const s = bus.subscribe((e) => {
          if (visible(e)) void this.rpc.sendNotification(Notifications.event, e).catch(() => undefined);
        }, ids);
        this.subs.add(s);
        return s;
      },
      unsubscribe: (s) => this.subs.delete(s) && bus.unsubscribe(s),
      openSession: (id, stream, stop, console) => {
        const session = newSessionId();
        this.sessions.set(session, { id, stream, stop, console });
        const send = (data: Buffer) => {
          if (this.closed || !this.sessions.has(session)) return;
          const encoded = data.toString('base64');
          if (!this.backlog.admit(encoded.length)) return this.overflowed();
          void this.rpc
            .sendNotification(Notifications.output, { session, id, stream, data: encoded })
            .catch(() => undefined)
            .finally(() => this.backlog.sent(encoded.length));
        };
        const end = (reason: string) => {
          if (!this.sessions.delete(session) || this.closed) return;
          void this.rpc.sendNotification(Notifications.sessionClosed, { session, id, reason }).catch(() => undefined);
        };
        return { session, send, end, roomFor: (n: number) => this.backlog.bytes + n <= this.backlog.cap };
      },
      closeSession: (session) => {
        const s = this.sessions.get(session);
        if (!s) return false;
        s.stop();
        this.sessions.delete(session);
        return true;
      },
      sessionTarget: (session) => this.sessions.get(session),
      notify: (method, params) => {
        if (!this.closed) void this.rpc.sendNotification(method, params).catch(() => undefined);
      },
      onDisconnect: (fn) => {
        this.closers.add(fn);
        return () => this.closers.delete(fn);
      },
    };
  }
}
