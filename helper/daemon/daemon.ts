// berthd's start-up and shutdown. Order matters: the lock first (a second
// berthd must fail before touching anything), then subreaper, recovery of
// what a previous instance left, and only then the socket — so the first
// client already sees a consistent list.
import { mkdirSync, rmSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { ErrorCode } from '../protocol/errors';
import { warmUp } from '../protocol/validate';
import { peerCred } from '../linux/peercred';
import { AuditLog } from './audit';
import { EventBus } from './bus';
import { Connection, type Shared } from './connection';
import { Containers, type Peer } from './containers';
import { cancelAllJobs, useJobJournal } from './debootstrap';
import { recoverBundleJobs } from './debootstrapRecovery';
import { resolveGroup } from './group';
import { JobJournal } from './jobJournal';
import { listenSocket } from './listen';
import { lockRoot } from './lock';
import type { Logger } from './log';
import type { DaemonOptions } from './options';
import { KeyedQueue } from './queue';
import { DATA_DIR_NAME, Records } from './records';
import type { DaemonRuntime } from './runtime';
import { becomeSubreaper } from './sys';
import { Watcher } from './watch';

export const VERSION = '0.1.0';

/**
 * Connections one non-root uid may hold at once. Each costs berthd an fd and
 * up to a 1 MiB partial message: uncapped, one member (strict or not) could
 * take every fd berthd has, and root could no longer connect or create.
 */
export const MAX_CONNECTIONS_PER_UID = 32;

export class Daemon {
  private server?: Server;
  private connections = new Set<Connection>();
  /** Open connections by non-root uid (MAX_CONNECTIONS_PER_UID). */
  private perUid = new Map<number, number>();
  /** Refused connections by uid whose answer is out but whose peer has not closed yet (refuse()). */
  private refusing = new Map<number, number>();
  /** Held open for the process's life: the single-instance lock. */
  lockFd?: number;
  private shared!: Shared;
  private gid?: number;
  private watcher?: Watcher;

  constructor(private readonly opts: DaemonOptions, private readonly log: Logger, private readonly runtime: DaemonRuntime) {}

  async start(): Promise<void> {
    const t0 = performance.now();
    const { opts, log } = this;
    mkdirSync(opts.root, { recursive: true, mode: 0o711 });
    const dataDir = join(opts.root, DATA_DIR_NAME);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.lockFd = lockRoot(dataDir, opts.root);
    becomeSubreaper();
    this.gid = resolveGroup(opts.group);
    if (this.gid === undefined) log('warn', `group ${opts.group} does not exist: only root may connect (berth daemon install creates it)`);
    const bus = new EventBus();
    const containers = new Containers(this.runtime, { root: opts.root, log: (level, msg, fields) => log(level, msg, fields) }, new Records(dataDir), bus, log);
    this.shared = { containers, bus, queue: new KeyedQueue(), audit: new AuditLog(opts.auditLog), log, root: opts.root, version: VERSION };
    const rec = await containers.recover();
    // Bundle jobs a killed berthd left half-done: processes, mounts and the directory it made go before any client can start another.
    const jobJournal = new JobJournal(dataDir);
    await recoverBundleJobs(jobJournal, log);
    useJobJournal(jobJournal);
    this.watcher = new Watcher(this.runtime, { root: opts.root }, bus, log, (id) => containers.owned(id) !== undefined, (id) => containers.vanished(id));
    await this.watcher.poll(); // learn the current statuses quietly before anyone subscribes
    this.watcher.start();
    if (rec.adopted || rec.cleaned) log('info', 'recovered containers', rec);
    this.server = await listenSocket(opts.socket, this.gid, (s) => this.accept(s));
    setImmediate(warmUp);
    // After the socket: the pool's Node start-ups must not delay listening; under the lock: its dir is ours.
    setImmediate(() => this.runtime.pool?.start(join(dataDir, 'pool')));
    log('info', 'listening', { socket: opts.socket, root: opts.root, group: opts.group, gid: this.gid, ms: Math.round(performance.now() - t0) });
  }

  private accept(socket: Socket): void {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    let peer: Peer;
    try {
      if (fd === undefined || fd < 0) throw new Error('accepted socket has no fd');
      const c = peerCred(fd);
      const member = this.gid !== undefined && (c.gid === this.gid || c.groups.includes(this.gid));
      const held = this.perUid.get(c.uid) ?? 0;
      const refusal =
        c.uid !== 0 && !member ? `uid ${c.uid} is not allowed to use berthd: only root and members of group ${this.opts.group} may connect`
        : c.uid !== 0 && held >= MAX_CONNECTIONS_PER_UID ? `uid ${c.uid} already has ${held} connections to berthd, the most one user may hold; close some`
        : undefined;
      if (refusal) {
        this.shared.audit.write({ uid: c.uid, gid: c.gid, pid: c.pid, method: '(connect)', result: 'refused', code: ErrorCode.NotAllowed, message: refusal });
        this.log('warn', 'refused connection', { uid: c.uid, gid: c.gid, pid: c.pid, held });
        this.refuse(socket, c.uid, refusal);
        return;
      }
      peer = { uid: c.uid, gid: c.gid, pid: c.pid, strict: this.opts.strict && c.uid !== 0 };
    } catch (e) {
      this.log('error', 'peer credentials unavailable; closing connection', { error: (e as Error).message });
      socket.destroy();
      return;
    }
    const uid = peer.uid;
    if (uid !== 0) this.perUid.set(uid, (this.perUid.get(uid) ?? 0) + 1);
    const conn: Connection = new Connection(socket, peer, this.shared, () => {
      this.connections.delete(conn);
      if (uid !== 0) countDown(this.perUid, uid);
    });
    this.connections.add(conn);
  }

  /**
   * Answers a refused connection with NotAllowed (id null), before reading
   * anything from it. The answer is followed by end() (a half-close), not a
   * destroy: the client's first message (its hello, sent as it connects) may
   * still be on its way, and a socket closed by berthd makes that write fail
   * with EPIPE (or a close with the hello unread makes the client's reads
   * fail with ECONNRESET), so the client would see the socket close and never
   * read the answer. What the peer sends is read and dropped, never parsed;
   * its close (a Node client closes when it reads berthd's end) then frees
   * the socket, and a peer that never closes is cut off after 2 s. Lingering
   * refusals are bounded per uid: past MAX_CONNECTIONS_PER_UID of them a
   * peer connecting in a loop gets the answer written and the socket
   * destroyed as soon as it is out (the answer may then be lost), so it
   * cannot hold berthd's fds by thousands.
   */
  private refuse(socket: Socket, uid: number, message: string): void {
    const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.NotAllowed, message } });
    const frame = `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const lingering = this.refusing.get(uid) ?? 0;
    socket.on('error', () => undefined);
    // Read and dropped, so the peer's close is seen and ends this socket (an unread one would hold server.close() in stop()).
    socket.resume();
    if (lingering >= MAX_CONNECTIONS_PER_UID) {
      socket.end(frame, () => socket.destroy());
      return;
    }
    this.refusing.set(uid, lingering + 1);
    socket.once('close', () => countDown(this.refusing, uid));
    socket.end(frame);
    setTimeout(() => socket.destroy(), 2000).unref();
  }

  /** Graceful stop: no new clients, current ones disconnected, containers left running. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    // server.close() calls back only once every connection has ended: end them first, or a connected client holds the stop forever.
    const closed = server ? new Promise<void>((res) => server.close(() => res())) : undefined;
    for (const c of this.connections) c.close();
    await closed;
    // Bundle jobs die with their clients; wait for their clean-up before exiting.
    await cancelAllJobs();
    this.watcher?.stop();
    this.runtime.pool?.close();
    this.shared?.containers.close();
    this.shared?.audit.close();
    rmSync(this.opts.socket, { force: true });
    this.log('info', 'stopped; containers keep running');
  }
}

/** One less for key in a map of counts; the entry goes at zero. */
function countDown(counts: Map<number, number>, key: number): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
