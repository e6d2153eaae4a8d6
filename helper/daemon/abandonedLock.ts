// The runtime's per-container lock (helper/runtime/lock.ts) is a file made
// with O_EXCL and then filled with its owner's pid and start time. A berthd
// killed between those two steps leaves it empty, which the runtime reads
// as "being written" and waits on for its full 10 s timeout — so a restarted
// berthd undoing that create sat 10 s before listening (the crash test saw
// it). A writer keeps the file open from its creation until the content is
// written, so an empty lock file that no process holds open was abandoned:
// recovery removes it. (The lasting fix belongs in lock.ts.)
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { holdersOf } from './orphans';

/** Removes <root>/.locks/<id> when it is empty and no process has it open; true when it did. */
export function clearAbandonedLock(root: string, id: string): boolean {
  const path = join(root, '.locks', id);
  try {
    // Holders first: once none holds it, nobody can still be writing it (O_EXCL lets no one else open it for creation).
    if (holdersOf(path).length > 0 || statSync(path).size !== 0) return false;
    rmSync(path, { force: true });
    return true;
  } catch {
    return false;
  }
}
