// A typed berthd client: connect to the socket, say hello, then call
// `request('create', {...})` with params and results checked at compile
// time. The extension, the tests and the benchmark all use it. A refusal
// (NotAllowed) or version mismatch rejects `connect` with berthd's message.
import { connect as netConnect, type Socket } from 'node:net';
import { createMessageConnection, Emitter, type Event, type MessageConnection, ResponseError } from 'vscode-jsonrpc/node';
import { SocketMessageWriter } from 'vscode-jsonrpc/node';
import { ErrorCode } from './errors';
import type { BundleFinishedNotification, BundleProgressNotification, ContainerEvent, OutputNotification, SessionClosedNotification } from './events';
import { Notifications } from './events';
import { LimitedReader } from './framing';
import type { Method, ParamsOf, ResultOf } from './methods';
import type { HelloResult } from './types';
import { DEFAULT_SOCKET, PROTOCOL_VERSION } from './version';

export interface ConnectOptions {
  socket?: string;
  /** Logged by berthd in its audit log. */
  client?: string;
  /** Give up connecting and saying hello after this long (default 5000 ms). */
  timeoutMs?: number;
}

export class BerthClient {
  private readonly eventEmitter = new Emitter<ContainerEvent>();
  private readonly outputEmitter = new Emitter<OutputNotification>();
  private readonly closedEmitter = new Emitter<SessionClosedNotification>();
  private readonly serverErrorEmitter = new Emitter<ResponseError<unknown>>();
  private readonly progressEmitter = new Emitter<BundleProgressNotification>();
  private readonly finishedEmitter = new Emitter<BundleFinishedNotification>();
  hello!: HelloResult;

  private constructor(readonly socket: Socket, readonly connection: MessageConnection) {
    connection.onNotification(Notifications.event, (e: ContainerEvent) => this.eventEmitter.fire(e));
    connection.onNotification(Notifications.output, (e: OutputNotification) => this.outputEmitter.fire(e));
    connection.onNotification(Notifications.sessionClosed, (e: SessionClosedNotification) => this.closedEmitter.fire(e));
    connection.onNotification(Notifications.bundleProgress, (e: BundleProgressNotification) => this.progressEmitter.fire(e));
    connection.onNotification(Notifications.bundleFinished, (e: BundleFinishedNotification) => this.finishedEmitter.fire(e));
  }

  get onEvent(): Event<ContainerEvent> { return this.eventEmitter.event; }
  get onOutput(): Event<OutputNotification> { return this.outputEmitter.event; }
  get onSessionClosed(): Event<SessionClosedNotification> { return this.closedEmitter.event; }
  get onBundleProgress(): Event<BundleProgressNotification> { return this.progressEmitter.event; }
  get onBundleFinished(): Event<BundleFinishedNotification> { return this.finishedEmitter.event; }
  /** Errors berthd sent without a request id (refusal, unreadable message). */
  get onServerError(): Event<ResponseError<unknown>> { return this.serverErrorEmitter.event; }
  get onClose(): Event<void> { return this.connection.onClose; }

  request<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    return this.connection.sendRequest(method, params);
  }

  close(): void {
    this.connection.dispose();
    this.socket.destroy();
  }

  static async connect(opts: ConnectOptions = {}): Promise<BerthClient> {
    const path = opts.socket ?? DEFAULT_SOCKET;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = netConnect(path);
      s.once('connect', () => resolve(s));
      s.once('error', (e) => reject(new Error(`connect ${path}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    });
    let refusal: ResponseError<unknown> | undefined;
    const reader = new LimitedReader(socket, {
      role: 'client',
      maxBody: 64 * 1024 * 1024,
      onMalformed: () => socket.destroy(),
    });
    // Errors without an id never reach vscode-jsonrpc's pending requests;
    // catch them here so that a refusal rejects `connect` with its text.
    const origListen = reader.listen.bind(reader);
    reader.listen = (cb) => origListen((msg) => {
      const m = msg as { id?: unknown; error?: { code: number; message: string; data?: unknown } };
      if (m.id === null && m.error) {
        refusal = new ResponseError(m.error.code, m.error.message, m.error.data);
        client.serverErrorEmitter.fire(refusal);
        return;
      }
      cb(msg);
    });
    const connection = createMessageConnection(reader, new SocketMessageWriter(socket));
    const client = new BerthClient(socket, connection);
    connection.listen();
    const timeout = opts.timeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const hello = await Promise.race([
        client.request('hello', { protocol: PROTOCOL_VERSION, client: opts.client ?? 'berth-client' }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`hello to ${path}: no answer in ${timeout} ms`)), timeout);
        }),
        new Promise<never>((_, reject) => connection.onClose(() => reject(refusal ?? new Error(`hello to ${path}: connection closed`)))),
      ]);
      client.hello = hello;
      return client;
    } catch (e) {
      client.close();
      throw refusal ?? e;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** True when an error from `request` carries the given protocol error code. */
export function isCode(e: unknown, code: (typeof ErrorCode)[keyof typeof ErrorCode]): boolean {
  return e instanceof ResponseError && e.code === code;
}
