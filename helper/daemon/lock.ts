// One berthd per state directory: an exclusive flock on a file in berthd's
// data directory. The kernel drops the lock when the process dies, even by
// SIGKILL, so a restarted berthd never finds a stale lock.
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { tryLock } from './sys';

/** Returns the lock's fd (kept open for the process's life) or throws naming the holder. */
export function lockRoot(dataDir: string, root: string): number {
  const path = join(dataDir, 'lock');
  const fd = openSync(path, 'a+', 0o600);
  if (!tryLock(fd, path)) throw new Error(`root ${root}: another berthd is running on it (lock ${path} is held)`);
  return fd;
}
