// One function per protocol method. Params arrive already validated against
// protocol/schemas.ts, so handlers trust their shapes. Methods the runtime
// cannot do yet throw NotSupported; `hello` lists only the implemented ones.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors';
import type { Method, ParamsOf, ResultOf } from '../protocol/methods';
import { Methods } from '../protocol/methods';
import { LOG_FILE_BYTES, PROTOCOL_VERSION } from '../protocol/version';
import { featuresDocument } from '../runtime/features';
import { defaultSpec } from '../spec/default';
import type { Console } from './console';
import type { Containers, Peer } from './containers';
import { cancelJob, startDebootstrap } from './debootstrap';
import { DaemonError, notFound } from './errors';
import { readFrom, sizeOf } from './logs';
import { strictResources } from './strict';

/** What a handler may use of its connection. */
export interface CallContext {
  peer: Peer;
  containers: Containers;
  root: string;
  version: string;
  subscribe(ids?: string[]): string;
  unsubscribe(subscription: string): boolean;
  /** Registers a session on this connection; `stop` runs on detach or disconnect. */
  /** `roomFor(n)`: whether n more bytes of output fit in this client's backlog now (backlog.ts); past it, send closes every output session of the client. */
  openSession(id: string, stream: 'console' | 'log', stop: () => void, console?: Console): { session: string; send: (data: Buffer) => void; end: (reason: string) => void; roomFor: (bytes: number) => boolean };
  closeSession(session: string): boolean;
  sessionTarget(session: string): { id: string; stream: 'console' | 'log'; console?: Console } | undefined;
  /** Sends a notification to this connection (dropped once it is closed). */
  notify(method: string, params: object): void;
  /** Runs fn when this connection closes; the returned function forgets it. */
  onDisconnect(fn: () => void): () => void;
}

type Handler<M extends Method> = (c: CallContext, p: ParamsOf<M>) => Promise<ResultOf<M>> | ResultOf<M>;
type HandlerTable = { [M in Method]?: Handler<M> };

const empty = {} as Record<string, never>;
/** Followed log output read per 200 ms tick (base64 grows it by a third on the wire). */
const FOLLOW_CHUNK_BYTES = 256 * 1024;

export const handlers: HandlerTable = {
  hello: (c, p) => {
    if (p.protocol !== PROTOCOL_VERSION) {
      throw new DaemonError(ErrorCode.ProtocolMismatch, `protocol ${p.protocol}: this berthd speaks protocol ${PROTOCOL_VERSION}`, { pointer: '/protocol' });
    }
    return {
      protocol: PROTOCOL_VERSION,
      server: c.version,
      pid: process.pid,
      root: c.root,
      peer: { uid: c.peer.uid, gid: c.peer.gid, pid: c.peer.pid, strict: c.peer.strict },
      methods: implemented(),
    };
  },
  create: (c, p) => c.containers.create(p, c.peer),
  start: (c, p) => c.containers.start(p.id),
  run: async (c, p) => {
    await c.containers.create(p, c.peer);
    try {
      return await c.containers.start(p.id);
    } catch (e) {
      // Like `runc run`: a container that could not start does not stay behind.
      await c.containers.delete(p.id, true).catch(() => undefined);
      throw e;
    }
  },
  state: (c, p) => c.containers.state(p.id),
  list: async (c) => ({ containers: c.containers.visibleTo(c.peer, await c.containers.list()) }),
  kill: async (c, p) => {
    await c.containers.kill(p.id, p.signal ?? 'SIGTERM', p.all ?? false);
    return empty;
  },
  delete: async (c, p) => {
    await c.containers.delete(p.id, p.force ?? false);
    return empty;
  },
  spec: (_c, p) => defaultSpec({ rootless: p.rootless ?? false }),
  subscribe: (c, p) => ({ subscription: c.subscribe(p.ids) }),
  unsubscribe: (c, p) => {
    if (!c.unsubscribe(p.subscription)) throw new DaemonError(ErrorCode.NoSession, `subscription ${p.subscription}: not on this connection`, { pointer: '/subscription' });
    return empty;
  },
  attach: async (c, p) => {
    await c.containers.state(p.id);
    const con = c.containers.console(p.id);
    if (!con) throw new DaemonError(ErrorCode.InvalidState, `container ${p.id}: has no console berthd serves (process.terminal is false, or it was created outside berthd)`, { pointer: '/id' });
    const scrollback = p.replay === false ? '' : con.scrollback().toString('base64');
    const s = c.openSession(p.id, 'console', () => con.detach(s.session), con);
    con.attach(s.session, s.send, () => s.end('the console closed (the container exited or was deleted)'));
    return { session: s.session, scrollback };
  },
  write: (c, p) => {
    const con = consoleOf(c, p.session);
    con.write(Buffer.from(p.data, 'base64'));
    return empty;
  },
  resize: (c, p) => {
    consoleOf(c, p.session).resize(p.rows, p.cols);
    return empty;
  },
  detach: (c, p) => {
    if (!c.closeSession(p.session)) throw new DaemonError(ErrorCode.NoSession, `session ${p.session}: not on this connection`, { pointer: '/session' });
    return empty;
  },
  logs: async (c, p) => {
    await c.containers.state(p.id);
    const path = c.containers.records.logPath(p.id);
    if (!c.containers.owned(p.id)) throw new DaemonError(ErrorCode.InvalidState, `container ${p.id}: has no output log (created outside berthd)`, { pointer: '/id' });
    // Up to a size taken once, so that follow continues exactly where this read stopped.
    const end = sizeOf(path);
    const start = Math.max(0, end - (p.tail ?? LOG_FILE_BYTES));
    const data = readFrom(path, start, end - start, false).toString('base64');
    if (!p.follow) return { data };
    let offset = end;
    // The file is the buffer: a client slow to read gets the next chunk once its backlog has room, never a detach.
    const timer = setInterval(() => {
      const size = sizeOf(path);
      if (size < offset) offset = 0;
      if (size === offset || !s.roomFor(FOLLOW_CHUNK_BYTES * 2)) return;
      const chunk = readFrom(path, offset, FOLLOW_CHUNK_BYTES, false);
      offset += chunk.length;
      s.send(chunk);
    }, 200);
    const s = c.openSession(p.id, 'log', () => clearInterval(timer));
    return { data, session: s.session };
  },
  exec: async (c, p) => {
    const { pid, console: con } = await c.containers.exec(p.id, p.process, p.consoleSize);
    if (!con) return { pid };
    // A tty exec is served like a console: this connection gets a session on it.
    const s = c.openSession(p.id, 'console', () => con.detach(s.session), con);
    con.attach(s.session, s.send, () => s.end(`the exec'd process ${pid} ended`));
    return { pid, session: s.session };
  },
  ps: async (c, p) => ({ pids: await c.containers.ps(p.id) }),
  pause: async (c, p) => {
    await c.containers.pause(p.id);
    return empty;
  },
  resume: async (c, p) => {
    await c.containers.resume(p.id);
    return empty;
  },
  update: async (c, p) => {
    if (c.peer.strict) strictResources(p.resources, '/resources');
    await c.containers.update(p.id, p.resources);
    return empty;
  },
  stats: (c, p) => c.containers.stats(p.id),
  features: () => featuresDocument(),
  'bundle.debootstrap': (c, p) => startDebootstrap(c, p, newSessionId),
  'bundle.cancel': (c, p) => cancelJob(c, p),
};

function consoleOf(c: CallContext, session: string) {
  const t = c.sessionTarget(session);
  if (!t || t.stream !== 'console') throw new DaemonError(ErrorCode.NoSession, `session ${session}: no console session on this connection`, { pointer: '/session' });
  const con = t.console ?? c.containers.console(t.id);
  if (!con) throw notFound(t.id);
  return con;
}

/** Methods whose handler does real work (not the NotSupported stub). */
export function implemented(): string[] {
  return Methods.filter((m) => handlers[m] && !STUBS.has(m));
}

const STUBS = new Set<Method>([]);

export function newSessionId(): string {
  return randomUUID().replace(/-/g, '');
}
