// A VS Code terminal on a container's console, through berthd: `attach`
// (with the scrollback replayed) for PID 1's pty, or `logs --follow` for a
// container without a terminal. Input goes out as ordered `write` requests,
// `setDimensions` becomes `resize`, and closing the terminal only detaches:
// the container keeps running and can be attached again, by several
// terminals at once. If berthd goes away the terminal says so and attaches
// again (without replay) when the connection is back.
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { exitText } from '../containers/present';
import { chunks } from './chunks';

export type ConsoleSource =
  /** PID 1's console (process.terminal). */
  | { kind: 'console' }
  /** stdout/stderr of a container without a terminal, followed. */
  | { kind: 'logs' }
  /** A session berthd already opened (e.g. the tty of an exec'd process). */
  | { kind: 'session'; session: string; pid?: number };

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export class ConsolePty implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  private session: string | undefined;
  private dims: vscode.TerminalDimensions | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private readonly subs: vscode.Disposable[] = [];
  /** Input waits here so that writes leave in order, one request at a time. */
  private inputChain: Promise<unknown> = Promise.resolve();
  private ended = false;
  private closed = false;

  constructor(
    private readonly ctx: Ctx,
    readonly id: string,
    private readonly source: ConsoleSource,
  ) {}

  open(initial: vscode.TerminalDimensions | undefined): void {
    this.dims = initial;
    this.subs.push(
      this.ctx.conn.onOutput((o) => {
        if (o.session !== this.session) return;
        const text = this.decoder.write(Buffer.from(o.data, 'base64'));
        this.writeEmitter.fire(o.stream === 'log' ? text.replace(/\r?\n/g, '\r\n') : text);
      }),
      this.ctx.conn.onSessionClosed((c) => {
        if (c.session === this.session) void this.ended_(c.reason);
      }),
      // PID 1's console ends with the container, whether or not berthd closes the session.
      this.ctx.conn.onEvent((e) => {
        if (e.id !== this.id || this.source.kind === 'session') return;
        if (e.type === 'exited' || e.type === 'deleted') void this.ended_(e.type === 'deleted' ? 'the container was deleted' : 'the container exited');
      }),
      this.ctx.conn.onDidChangeState((s) => {
        if (this.closed || this.ended) return;
        if (s.kind === 'disconnected' && this.session) {
          this.session = undefined;
          this.note(`berthd connection lost (${s.reason}); attaching again when it is back`);
        } else if (s.kind === 'connected' && !this.session && this.source.kind !== 'session') {
          void this.attach(false);
        }
      }),
    );
    if (this.source.kind === 'session') {
      this.session = this.source.session;
      if (initial) void this.resize(initial);
    } else {
      void this.attach(true);
    }
  }

  private async attach(replay: boolean): Promise<void> {
    try {
      if (this.source.kind === 'logs') {
        const r = await this.ctx.conn.request('logs', { id: this.id, follow: true });
        this.session = r.session;
        if (replay && r.data) this.writeEmitter.fire(this.decoder.write(Buffer.from(r.data, 'base64')).replace(/\r?\n/g, '\r\n'));
        const c = this.ctx.model.get(this.id);
        if (c?.status === 'stopped') await this.ended_('the container has stopped');
        return;
      }
      const r = await this.ctx.conn.request('attach', { id: this.id, replay });
      this.session = r.session;
      if (r.scrollback) this.writeEmitter.fire(this.decoder.write(Buffer.from(r.scrollback, 'base64')));
      if (this.dims) await this.resize(this.dims);
    } catch (e) {
      this.note(`cannot attach to ${this.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  handleInput(data: string): void {
    const session = this.session;
    if (!session || this.source.kind === 'logs') return;
    const bytes = Buffer.from(data, 'utf8');
    for (const part of chunks(bytes)) {
      this.inputChain = this.inputChain.then(() =>
        this.ctx.conn.request('write', { session, data: part.toString('base64') }).catch((e: unknown) => {
          this.ctx.log.warn(`write to ${this.id}: ${e instanceof Error ? e.message : String(e)}`);
        }),
      );
    }
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    this.dims = d;
    void this.resize(d);
  }

  private async resize(d: vscode.TerminalDimensions): Promise<void> {
    const session = this.session;
    if (!session || this.source.kind === 'logs') return;
    try {
      await this.ctx.conn.request('resize', { session, rows: d.rows, cols: d.columns });
    } catch (e) {
      this.ctx.log.warn(`resize ${this.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The container (or the exec'd process) ended: a clear line, and the terminal stays for reading. */
  private async ended_(reason: string): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.session = undefined;
    const rest = this.decoder.end();
    if (rest) this.writeEmitter.fire(rest);
    const c = await this.exited();
    const exit = c ? exitText(c) : undefined;
    this.note(exit ? `container ${this.id} exited: ${exit}` : `${this.id}: ${reason}`);
  }

  /** The container's entry once berthd has reported its exit (events may trail sessionClosed a little). */
  private exited(): Promise<ReturnType<Ctx['model']['get']>> {
    const now = this.ctx.model.get(this.id);
    if (this.source.kind === 'session' || now?.exitStatus) return Promise.resolve(this.source.kind === 'session' ? undefined : now);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        sub.dispose();
        resolve(this.ctx.model.get(this.id));
      }, 2000);
      const sub = this.ctx.model.onDidChange(() => {
        const c = this.ctx.model.get(this.id);
        if (!c || c.exitStatus) {
          clearTimeout(t);
          sub.dispose();
          resolve(c);
        }
      });
    });
  }

  private note(text: string): void {
    this.writeEmitter.fire(`\r\n${DIM}[${text}]${RESET}\r\n`);
  }

  close(): void {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    if (session) void this.ctx.conn.request('detach', { session }).catch(() => undefined);
    for (const s of this.subs) s.dispose();
  }
}

/** Opens a terminal on a container and shows it. */
export function openConsole(ctx: Ctx, id: string, source: ConsoleSource, name?: string): vscode.Terminal {
  const pty = new ConsolePty(ctx, id, source);
  const label = name ?? (source.kind === 'logs' ? `${id} (output)` : source.kind === 'session' ? `${id} (exec)` : id);
  const terminal = vscode.window.createTerminal({ name: label, pty, iconPath: new vscode.ThemeIcon('vm'), isTransient: true });
  terminal.show();
  return terminal;
}
