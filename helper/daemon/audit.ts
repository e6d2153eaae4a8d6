// The audit log: one JSON line per request and per refused connection —
// who (uid, gid, pid from SO_PEERCRED), what (method, container id), and
// the result. Written synchronously so a line is on disk before berthd
// answers, and survives a kill -9 right after.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

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

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.fd = openSync(path, 'a', 0o600);
  }

  write(r: AuditRecord): void {
    writeSync(this.fd, JSON.stringify({ time: new Date().toISOString(), ...r }) + '\n');
  }

  close(): void {
    closeSync(this.fd);
  }
}
