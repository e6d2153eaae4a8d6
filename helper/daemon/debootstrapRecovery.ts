// At start-up, before the socket: the bundle jobs a killed berthd left
// behind (their journal entries, jobJournal.ts). None can be resumed — the
// client that asked is gone with its connection, and debootstrap cannot
// continue a half-made rootfs — so each is undone as a cancel would have:
// its processes ended, every mount under what it made detached (deepest
// first), and the directory removed when berthd created it and it is still
// that directory. A directory the user had before the job keeps its files:
// the log says where they are. Then the entry goes, whatever was left (the
// log says what): a later start must never act on a path that may be the
// user's again by then.
import { lstatSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JobEntry, JobJournal } from './jobJournal';
import { endJobProcesses } from './jobProcesses';
import type { Logger } from './log';
import { mountsUnder, unmountUnder } from './mountsUnder';

/** What recovery did with one job's directory, for the log. */
type DirOutcome = { removed: string } | { kept: string; why: string };

/** True when path is still the directory the entry recorded (same device and inode, not a symlink). */
function sameDir(e: JobEntry): boolean {
  try {
    const st = lstatSync(e.dir, { bigint: true });
    return st.isDirectory() && st.dev.toString() === e.dirId?.dev && st.ino.toString() === e.dirId.ino;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function tidyDir(e: JobEntry, base: string, leftProcesses: number[], leftMounts: string[]): DirOutcome {
  if (leftProcesses.length) return { kept: e.dir, why: `processes ${leftProcesses.join(', ')} of the job did not exit` };
  if (leftMounts.length) return { kept: e.dir, why: `still mounted at ${leftMounts.join(', ')}` };
  if (!e.created) return { kept: e.dir, why: `it existed before the job: the partial ${base} is left for the user to remove` };
  if (!exists(e.dir)) return { removed: `${e.dir} (already gone)` };
  if (!e.dirId) {
    // Killed between the entry and recording the new directory: debootstrap never ran, so ours is empty; a non-empty one is not ours.
    try {
      rmdirSync(e.dir);
      return { removed: e.dir };
    } catch (err) {
      return { kept: e.dir, why: `not the empty directory berthd was about to make (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
  }
  if (!sameDir(e)) return { kept: e.dir, why: 'no longer the directory berthd created (replaced after the crash)' };
  try {
    rmSync(e.dir, { recursive: true, force: true });
    return { removed: e.dir };
  } catch (err) {
    return { kept: e.dir, why: `not fully removed: ${(err as Error).message}` };
  }
}

async function undoJob(e: JobEntry, log: Logger): Promise<void> {
  const { killed, left } = await endJobProcesses(e.job, { pid: e.pid, start: e.pidStart });
  // What the job made: all of dir when berthd created it, else only rootfs/ inside (as the cancel path).
  const base = e.created ? e.dir : join(e.dir, 'rootfs');
  const mounted = mountsUnder(base);
  const leftMounts = unmountUnder(base);
  const dir = tidyDir(e, base, left, leftMounts);
  const fields = { job: e.job, dir: e.dir, started: e.started, killed, unmounted: mounted.filter((m) => !leftMounts.includes(m)) };
  if ('removed' in dir) log('info', 'recovery: bundle job interrupted by a restart undone', { ...fields, removed: dir.removed });
  else log('warn', `recovery: bundle job interrupted by a restart: ${dir.kept} left in place: ${dir.why}`, { ...fields, leftProcesses: left, leftMounts });
}

/** Undoes every job left in the journal and empties it; resolves with how many there were. */
export async function recoverBundleJobs(journal: JobJournal, log: Logger): Promise<number> {
  const files = journal.read();
  for (const f of files) {
    if (f.entry) {
      await undoJob(f.entry, log);
    } else {
      // Unreadable: the directory is unknown, but the job's processes still carry its id.
      const { killed } = await endJobProcesses(f.job);
      log('warn', `recovery: bundle job journal file ${join(journal.dir, f.file)} unreadable (${f.error}); its directory, if any, is left in place`, { job: f.job, killed });
    }
    journal.discard(f);
  }
  return files.length;
}
