// Output of non-tty containers goes straight to a file (stdout and stderr
// share one O_APPEND fd), so it keeps flowing while berthd is down. The
// cap is kept by a periodic check: past LOG_FILE_BYTES the file is copied
// to `.1` and truncated in place — O_APPEND writers continue at the new end.
// `logs --follow` polls the file's size, which is cheap and survives
// truncation (a shrink restarts from 0).
import { closeSync, copyFileSync, existsSync, openSync, readSync, statSync, truncateSync } from 'node:fs';
import { LOG_FILE_BYTES } from '../protocol/version';

/** fds for the container's stdio: stdin from /dev/null, stdout and stderr appended to path. */
export function openStdio(path: string): [number, number, number] {
  const stdin = openSync('/dev/null', 'r');
  const out = openSync(path, 'a', 0o600);
  return [stdin, out, out];
}

export function closeStdio(fds: [number, number, number]): void {
  for (const fd of new Set(fds)) closeSync(fd);
}

/** Rotates path once it passed cap; returns whether it did. */
export function capLog(path: string, cap = LOG_FILE_BYTES): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  if (size <= cap) return false;
  copyFileSync(path, `${path}.1`);
  truncateSync(path, 0);
  return true;
}

/** Bytes from offset to the end, or an empty buffer; at most max: the last max bytes when tail, else the first. */
export function readFrom(path: string, offset: number, max = LOG_FILE_BYTES, tail = true): Buffer {
  if (!existsSync(path)) return Buffer.alloc(0);
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const start = tail ? Math.max(offset, size - max, 0) : Math.min(offset, size);
    const buf = Buffer.alloc(Math.max(0, Math.min(size - start, max)));
    const n = buf.length ? readSync(fd, buf, 0, buf.length, start) : 0;
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
