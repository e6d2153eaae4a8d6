// One lock per container id, so two `berth` processes (or berth and berthd)
// never change one container at once. A lock file holds the owner's pid and
// start time; a lock whose owner is gone is stale and taken over. It is
// written whole under a private name and then hard-linked into place (link
// fails if the name exists), so a process killed at any point leaves either
// no lock or a complete one, never an empty file nobody could judge. Lock files live in <root>/.locks/ so `delete` can remove the
// container directory while holding the lock.
import { linkSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, procStat } from '../linux/proc';
import { RuntimeError } from './errors';

const TIMEOUT_MS = 10_000;
let serial = 0;

export async function withLock<T>(root: string, id: string, fn: () => Promise<T> | T): Promise<T> {
  const dir = join(root, '.locks');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, id);
  const me = `${process.pid} ${procStat(process.pid)?.startTime ?? ''}`;
  const deadline = Date.now() + TIMEOUT_MS;
  sweepLeftovers(dir);
  const mine = join(dir, `.${id}.${process.pid}.${++serial}`);
  writeFileSync(mine, me, { mode: 0o600 });
  for (;;) {
    try {
      linkSync(mine, path);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        unlinkSync(mine);
        throw e;
      }
    }
    if (isStale(path)) {
      try {
        unlinkSync(path);
      } catch {
        // another waiter removed it first
      }
      continue;
    }
    if (Date.now() > deadline) {
      unlinkSync(mine);
      throw new RuntimeError(`container \`${id}\` is locked by another process (${path})`, 'invalid-state');
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  unlinkSync(mine);
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
  // Locks are never empty (written before they are linked in): an empty one is a crashed older berth's.
  if (!pid) return true;
  return !isAlive(Number(pid), start || undefined);
}

/** Private names (`.<id>.<pid>.<n>`) of writers killed between writing and linking: removed once their pid is gone. */
function sweepLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = /^\..+\.(\d+)\.\d+$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // another sweeper was first
    }
  }
}
