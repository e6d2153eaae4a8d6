// The parent's end of the sync socket: newline-delimited JSON, read as a
// queue of messages. See sync.ts for the protocol.
//
// What arrives is not trusted: the other end is a stage that joins or builds
// a container, and a process that gets hold of its socket can write anything.
// A line that is not a JSON object with a string `type`, or one longer than
// MAX_LINE, fails this channel: the waiting next() and every later one reject
// with an error quoting the start of the line, the socket is closed, and the
// request it serves fails. Nothing is thrown from the socket's event handler
// (in berthd that would end the daemon for every user).
import type { Socket } from 'node:net';
import type { InitMessage, ParentMessage } from './sync';

/** The longest line accepted (the stages' messages are under 1 KiB, an error's text included). */
export const MAX_LINE = 1024 * 1024;
/** How much of a rejected line the error quotes. */
const QUOTED = 80;

export class SyncChannel {
  private buf = '';
  private queue: InitMessage[] = [];
  private waiter?: { resolve: (m: InitMessage) => void; reject: (e: Error) => void };
  private ended?: Error;
  /** Set by a malformed message: every next() rejects with it, queued messages included. */
  private broken?: Error;

  constructor(private readonly sock: Socket, describeEnd: () => string) {
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      if (this.broken) return;
      this.buf += chunk;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        if (!line.trim()) continue;
        const m = parseMessage(line);
        if (typeof m === 'string') return this.breakOff(m);
        this.push(m);
      }
      if (this.buf.length > MAX_LINE) this.breakOff(`a line longer than ${MAX_LINE} bytes, starting ${quote(this.buf)}`);
    });
    const end = () => {
      // Give the child's 'exit' a moment so the message can say how it ended.
      setTimeout(() => this.fail(new Error(describeEnd())), 20);
    };
    sock.on('end', end);
    sock.on('error', end);
  }

  send(msg: object | ParentMessage): void {
    this.sock.write(JSON.stringify(msg) + '\n');
  }

  next(): Promise<InitMessage> {
    if (this.broken) return Promise.reject(this.broken);
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  close(): void {
    this.sock.destroy();
  }

  private push(m: InitMessage): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(m);
    } else this.queue.push(m);
  }

  /** A protocol violation: nothing more is read or delivered from this channel. */
  private breakOff(what: string): void {
    this.broken = new Error(`the stage's sync channel carried ${what}: not a message of the sync protocol`);
    this.buf = '';
    this.queue = [];
    this.sock.destroy();
    this.fail(this.broken);
  }

  private fail(e: Error): void {
    if (this.ended) return;
    this.ended = e;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.reject(e);
    }
  }
}

/** The message on a line, or what is wrong with it. */
function parseMessage(line: string): InitMessage | string {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return `a line that is not JSON, ${quote(line)}`;
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m) || typeof (m as { type?: unknown }).type !== 'string') {
    return `a line that is not a JSON object with a string "type", ${quote(line)}`;
  }
  return m as InitMessage;
}

/** The start of a line for an error message, as a JSON string (control characters escaped), cut at QUOTED characters. */
function quote(line: string): string {
  return line.length > QUOTED ? `${JSON.stringify(line.slice(0, QUOTED))}… (${line.length} characters)` : JSON.stringify(line);
}
