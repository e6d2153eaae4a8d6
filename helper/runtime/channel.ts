// The parent's end of the sync socket: newline-delimited JSON, read as a
// queue of messages. See sync.ts for the protocol.
import type { Socket } from 'node:net';
import type { InitMessage, ParentMessage } from './sync';

export class SyncChannel {
  private buf = '';
  private queue: InitMessage[] = [];
  private waiter?: { resolve: (m: InitMessage) => void; reject: (e: Error) => void };
  private ended?: Error;

  constructor(private readonly sock: Socket, describeEnd: () => string) {
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      this.buf += chunk;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        if (line.trim()) this.push(JSON.parse(line) as InitMessage);
      }
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
