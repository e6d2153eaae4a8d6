// The init's end of the sync socket (protocol in helper/runtime/sync.ts):
// blocking reads and writes only, since the init must stay on its main
// thread (libuv's pool threads are in the old mount namespace).
import { readSync, writeSync } from 'node:fs';
import type { InitMessage } from '../runtime/sync';

export class InitChannel {
  private buf = Buffer.alloc(0);

  constructor(readonly fd: number) {}

  send(m: InitMessage): void {
    writeSync(this.fd, JSON.stringify(m) + '\n');
  }

  /** Blocks until one JSON line arrives; throws if the parent went away. */
  receive<T>(): T {
    const chunk = Buffer.alloc(65536);
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        const line = this.buf.subarray(0, nl).toString('utf8');
        this.buf = this.buf.subarray(nl + 1);
        return JSON.parse(line) as T;
      }
      let n: number;
      try {
        n = readSync(this.fd, chunk, 0, chunk.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
          continue;
        }
        throw e;
      }
      if (n === 0) throw new Error('parent closed the sync socket');
      this.buf = Buffer.concat([this.buf, chunk.subarray(0, n)]);
    }
  }
}
