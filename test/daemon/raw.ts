// A raw socket client for tests that must send what no well-behaved client
// would: arbitrary bytes in Content-Length frames. Answers are parsed and
// collected in arrival order.
import { connect, type Socket } from 'node:net';

export interface Answer {
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export class RawClient {
  readonly answers: Answer[] = [];
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, end).toString())?.[1]);
        if (this.buf.length < end + 4 + len) break;
        this.answers.push(JSON.parse(this.buf.subarray(end + 4, end + 4 + len).toString()) as Answer);
        this.buf = this.buf.subarray(end + 4 + len);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static open(path: string): Promise<RawClient> {
    return new Promise((res, rej) => {
      const s = connect(path);
      s.once('connect', () => res(new RawClient(s)));
      s.once('error', rej);
    });
  }

  sendBody(body: string | Buffer): void {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`), b]));
  }

  sendRaw(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  request(id: unknown, method: unknown, params?: unknown): void {
    this.sendBody(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
  }

  /** Resolves once at least n answers arrived (or the socket closed). */
  async waitFor(n: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.answers.length < n && !this.closed) {
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${n} answers, have ${this.answers.length}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
