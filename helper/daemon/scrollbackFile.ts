// A console's scrollback on disk, so a berthd restarted after kill -9 can
// replay what the console showed before. Output is appended as it arrives
// (one write per chunk, no fsync: surviving berthd's death needs only the
// page cache, and a host crash ends the container too). The file is bounded:
// past `cap` bytes it is renamed to `.1` (replacing the previous one, an
// atomic step) and a new one started, so the pair holds at most 2 × cap and
// always at least the last `cap` bytes.
import { closeSync, fstatSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { SCROLLBACK_BYTES } from '../protocol/version';

export class ScrollbackFile {
  private fd: number | undefined;
  private size: number;

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
    try {
      writeSync(this.fd, data);
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
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
