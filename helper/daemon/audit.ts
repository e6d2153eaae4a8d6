// The audit log: one JSON line per request and per refused connection —
// who (uid, gid, pid from SO_PEERCRED), what (method, container id), and
// the result. Written synchronously so a line is on disk before berthd
// answers, and survives a kill -9 right after.
// Every request of every member is a line, so a member sending cheap
// requests in a loop wrote 57 MB in 10 s: past `maxBytes` the file is
// renamed to `.1` (replacing the older one) and a new one begun, so the log
// never holds more than twice the cap. The line that starts a new file
// names the one it follows and its size.
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Bytes one audit file holds before it is rotated to `.1`. */
export const AUDIT_FILE_BYTES = 32 << 20;

export interface AuditRecord {
  uid: number;
  gid: number;
  pid: number;
  method: string;
  id?: string;
  result: 'ok' | 'error' | 'refused';
  code?: number;
  message?: string;
  ms?: number;
}

export class AuditLog {
  private fd: number;
  private bytes: number;

  constructor(readonly path: string, readonly maxBytes = AUDIT_FILE_BYTES) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.fd = openSync(path, 'a', 0o600);
    this.bytes = fstatSync(this.fd).size;
  }

  write(r: AuditRecord): void {
    const line = JSON.stringify({ time: new Date().toISOString(), ...r }) + '\n';
    if (this.bytes > 0 && this.bytes + line.length > this.maxBytes) this.rotate();
    this.bytes += writeSync(this.fd, line);
  }

  private rotate(): void {
    const rotated = `${this.path}.1`;
    const bytes = this.bytes;
    renameSync(this.path, rotated);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a', 0o600);
    this.bytes = writeSync(this.fd, JSON.stringify({ time: new Date().toISOString(), rotated, bytes }) + '\n');
  }

  close(): void {
    closeSync(this.fd);
  }
}
