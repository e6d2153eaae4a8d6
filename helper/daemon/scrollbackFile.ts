// A console's scrollback on disk, so a berthd restarted after kill -9 can
// replay what the console showed before. Output is gathered for FLUSH_MS and
// then appended in one write, no fsync: surviving berthd's death needs only
// the page cache, and a host crash ends the container too. A kill -9 loses
// at most the last FLUSH_MS of output; a write per pty read (about 4 KB)
// cost a quarter of berthd's time under a flood (`bench/terminal`). The
// file is bounded: past `cap` bytes it is renamed to `.1` (replacing the
// previous one, an atomic step) and a new one started, so the pair holds at
// most 2 × cap and always at least the last `cap` bytes.
import { closeSync, fstatSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { SCROLLBACK_BYTES } from '../protocol/version';

/** How long output waits in memory before it is written. */
export const FLUSH_MS = 20;

export class ScrollbackFile {
  private fd: number | undefined;
  private size: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  /** Opens path for appending (creating it 0600), keeping what an earlier berthd wrote. */
  constructor(readonly path: string, readonly cap = SCROLLBACK_BYTES, private readonly onError: (e: Error) => void = () => undefined) {
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** The last cap bytes written to path (and its `.1`), oldest first; empty when there is none. */
  static read(path: string, cap = SCROLLBACK_BYTES): Buffer {
    const parts = [`${path}.1`, path].map((p) => {
      try {
        return readFileSync(p);
      } catch {
        return Buffer.alloc(0);
      }
    });
    const all = Buffer.concat(parts);
    return all.length > cap ? all.subarray(all.length - cap) : all;
  }

  append(data: Buffer): void {
    if (this.fd === undefined) return;
    this.pending.push(data);
    this.pendingBytes += data.length;
    // Under a flood, output older than the last cap bytes would never be written.
    while (this.pendingBytes - this.pending[0].length >= this.cap) this.pendingBytes -= this.pending.shift()!.length;
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Writes what append gathered; of more than cap bytes only the last cap matter. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fd === undefined || this.pendingBytes === 0) return;
    let data = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (data.length > this.cap) data = data.subarray(data.length - this.cap);
    try {
      // Fill the current file to exactly cap before it becomes `.1`, so the
      // pair never holds more than 2 × cap.
      const room = this.cap - this.size;
      if (data.length > room) {
        writeSync(this.fd, data.subarray(0, room));
        this.rotate();
        data = data.subarray(room);
      }
      writeSync(this.fd!, data);
      this.size += data.length;
      if (this.size >= this.cap) this.rotate();
    } catch (e) {
      // A full disk must not stop the console: the scrollback just stops persisting.
      this.close();
      this.onError(e as Error);
    }
  }

  private rotate(): void {
    renameSync(this.path, `${this.path}.1`);
    closeSync(this.fd!);
    this.fd = undefined; // stays so if the open below fails: append then stops quietly
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = 0;
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
