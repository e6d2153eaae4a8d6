// The one connection from the extension to berthd: helper/protocol's typed
// BerthClient (hello, bounded framing, refusals as errors) kept alive. It
// subscribes to lifecycle events, and reconnects with backoff
// when berthd goes away or is not there yet. Nothing here imports `vscode`,
// so the unit tests drive it against a real berthd under plain Node.
import { Emitter, type Event } from 'vscode-jsonrpc';
import { BerthClient } from '../../helper/protocol/client';
import type { BundleFinishedNotification, BundleProgressNotification, ContainerEvent, OutputNotification, SessionClosedNotification } from '../../helper/protocol/events';
import type { Method, ParamsOf, ResultOf } from '../../helper/protocol/methods';
import type { HelloResult } from '../../helper/protocol/types';
import { Backoff } from './backoff';
import { BerthdError, NotConnectedError } from './errors';

export type ConnectionState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected'; hello: HelloResult }
  | { kind: 'disconnected'; reason: string; retryInMs: number | undefined };

export interface ConnectionOptions {
  socketPath: string;
  /** Free text berthd writes to its audit log, e.g. `berth-vscode/0.1.0`. */
  clientName: string;
  log?: (level: 'trace' | 'info' | 'warn' | 'error', msg: string) => void;
  /** Reconnect after a drop (the tests turn it off to see one failure). */
  reconnect?: boolean;
  backoff?: Backoff;
}

export class BerthdConnection {
  private client: BerthClient | undefined;
  private current: ConnectionState = { kind: 'disconnected', reason: 'not started', retryInMs: undefined };
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly backoff: Backoff;
  /** Changes on every new socket, so late callbacks of an old socket are ignored. */
  private generation = 0;

  private readonly stateEmitter = new Emitter<ConnectionState>();
  private readonly eventEmitter = new Emitter<ContainerEvent>();
  private readonly outputEmitter = new Emitter<OutputNotification>();
  private readonly closedEmitter = new Emitter<SessionClosedNotification>();
  private readonly progressEmitter = new Emitter<BundleProgressNotification>();
  private readonly finishedEmitter = new Emitter<BundleFinishedNotification>();
  readonly onDidChangeState: Event<ConnectionState> = this.stateEmitter.event;
  readonly onEvent: Event<ContainerEvent> = this.eventEmitter.event;
  readonly onOutput: Event<OutputNotification> = this.outputEmitter.event;
  readonly onSessionClosed: Event<SessionClosedNotification> = this.closedEmitter.event;
  readonly onBundleProgress: Event<BundleProgressNotification> = this.progressEmitter.event;
  readonly onBundleFinished: Event<BundleFinishedNotification> = this.finishedEmitter.event;

  constructor(private opts: ConnectionOptions) {
    this.backoff = opts.backoff ?? new Backoff();
  }

  get state(): ConnectionState {
    return this.current;
  }

  get isConnected(): boolean {
    return this.current.kind === 'connected';
  }

  get socketPath(): string {
    return this.opts.socketPath;
  }

  /** Starts connecting; resolves once the first attempt has either said hello or failed. */
  start(): Promise<void> {
    return this.attempt();
  }

  /** Drops the current socket (if any) and connects again now, e.g. after the socket path setting changed. */
  restart(socketPath?: string): Promise<void> {
    if (socketPath) this.opts = { ...this.opts, socketPath };
    this.backoff.reset();
    this.teardown();
    return this.attempt();
  }

  /** Resolves when the connection is up (or rejects after `timeoutMs`). */
  whenConnected(timeoutMs: number): Promise<HelloResult> {
    if (this.current.kind === 'connected') return Promise.resolve(this.current.hello);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        sub.dispose();
        reject(new NotConnectedError('hello', this.opts.socketPath, this.describe()));
      }, timeoutMs);
      const sub = this.onDidChangeState((s) => {
        if (s.kind !== 'connected') return;
        clearTimeout(t);
        sub.dispose();
        resolve(s.hello);
      });
    });
  }

  async request<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const client = this.client;
    if (!client || this.current.kind !== 'connected') throw new NotConnectedError(method, this.opts.socketPath, this.describe());
    try {
      return await client.request(method, params);
    } catch (e) {
      throw BerthdError.from(method, e);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.teardown();
    this.stateEmitter.dispose();
    this.eventEmitter.dispose();
    this.outputEmitter.dispose();
    this.closedEmitter.dispose();
    this.progressEmitter.dispose();
    this.finishedEmitter.dispose();
  }

  private describe(): string | undefined {
    return this.current.kind === 'disconnected' ? this.current.reason : this.current.kind;
  }

  private setState(s: ConnectionState): void {
    this.current = s;
    this.stateEmitter.fire(s);
  }

  private async attempt(): Promise<void> {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const gen = ++this.generation;
    this.setState({ kind: 'connecting', attempt: this.backoff.failures + 1 });
    let client: BerthClient | undefined;
    try {
      client = await BerthClient.connect({ socket: this.opts.socketPath, client: this.opts.clientName, timeoutMs: 5000 });
      if (gen !== this.generation) {
        client.close();
        return;
      }
      this.client = client;
      client.onEvent((e) => this.eventEmitter.fire(e));
      client.onOutput((o) => this.outputEmitter.fire(o));
      client.onSessionClosed((c) => this.closedEmitter.fire(c));
      client.onBundleProgress((p) => this.progressEmitter.fire(p));
      client.onBundleFinished((f) => this.finishedEmitter.fire(f));
      client.onClose(() => this.lost(gen, 'berthd closed the connection'));
      await client.request('subscribe', {});
    } catch (e) {
      if (client && this.client !== client) client.close();
      this.lost(gen, connectErrorText(e, this.opts.socketPath));
      return;
    }
    if (gen !== this.generation) return;
    this.backoff.reset();
    const hello = client.hello;
    this.opts.log?.('info', `connected to berthd ${hello.server} (pid ${hello.pid}, root ${hello.root}) on ${this.opts.socketPath}`);
    this.setState({ kind: 'connected', hello });
  }

  /** One place that handles every way a connection ends; later calls for the same socket are ignored. */
  private lost(gen: number, reason: string): void {
    if (gen !== this.generation || this.disposed) return;
    this.generation++;
    this.teardown();
    const retry = this.opts.reconnect === false ? undefined : this.backoff.next();
    this.opts.log?.(this.backoff.failures <= 1 ? 'warn' : 'trace', `berthd: ${reason}${retry !== undefined ? `; retrying in ${retry} ms` : ''}`);
    this.setState({ kind: 'disconnected', reason, retryInMs: retry });
    if (retry !== undefined) this.timer = setTimeout(() => void this.attempt(), retry);
  }

  private teardown(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    this.generation++;
    client?.close();
  }
}

/** The connect error in words that say what to do; berthd's own refusal (NotAllowed, ProtocolMismatch) as it sent it. */
function connectErrorText(e: unknown, path: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const code = /^connect \S+: (E[A-Z]+)$/.exec(msg)?.[1];
  switch (code) {
    case 'ENOENT':
      return `no berthd socket at ${path}`;
    case 'ECONNREFUSED':
      return `nothing listens on ${path} (berthd stopped?)`;
    case 'EACCES':
      return `permission denied on ${path} (join the berth group, then log in again)`;
    default:
      return msg;
  }
}
