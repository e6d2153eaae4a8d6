// One lock per container id, so two `berth` processes (or berth and berthd)
// never change one container at once. A lock file created with O_EXCL holds
// the owner's pid and start time; a lock whose owner is gone is stale and
// taken over. Lock files live in <root>/.locks/ so `delete` can remove the
// container directory while holding the lock.
import { mkdirSync, openSync, closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, procStat } from '../linux/proc';
import { RuntimeError } from './errors';

const TIMEOUT_MS = 10_000;

export async function withLock<T>(root: string, id: string, fn: () => Promise<T> | T): Promise<T> {
  const dir = join(root, '.locks');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, id);
  const me = `${process.pid} ${procStat(process.pid)?.startTime ?? ''}`;
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, me);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (isStale(path)) {
      try {
        unlinkSync(path);
      } catch {
        // another waiter removed it first
      }
      continue;
    }
    if (Date.now() > deadline) throw new RuntimeError(`container \`${id}\` is locked by another process (${path})`, 'invalid-state');
    await new Promise((r) => setTimeout(r, 2));
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
}

function isStale(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false; // gone: the next O_EXCL attempt decides
  }
  const [pid, start] = text.split(' ');
  if (!pid) return false; // owner between create and write
  return !isAlive(Number(pid), start || undefined);
}
