// The journal of bundle jobs in flight: one file per job under
// <root>/berthd@/jobs, written before the job touches the disk and removed
// once its clean-up is done. A berthd killed with SIGKILL never runs that
// clean-up, so the next one reads what is left here at start-up
// (debootstrapRecovery.ts). Writes are temp-then-rename, like records.ts: a
// kill leaves the old entry or the new one, never half of one.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Set in the environment of every process a job starts, so recovery can tell them apart from any other process. */
export const JOB_MARKER = 'BERTHD_JOB';

export interface JobEntry {
  job: string;
  kind: 'debootstrap';
  /** When the job was accepted (ISO time), for the log. */
  started: string;
  /** The bundle directory (parent already resolved to its real path). */
  dir: string;
  /** berthd made dir for this job, so recovery may remove it whole. */
  created: boolean;
  /**
   * st_dev and st_ino of dir once berthd made it (decimal strings: inodes may pass 2^53).
   * Recovery removes dir only while these still match: a directory the user put at the same
   * path after the crash is not the one berthd made. Absent: killed between the entry and mkdir.
   */
  dirId?: { dev: string; ino: string };
  /** debootstrap's pid, which also names its process group and session (it is spawned detached). */
  pid?: number;
  /** The pid's start time (field 22 of /proc/<pid>/stat): a reused pid has another. */
  pidStart?: string;
}

/** One file of the journal: its entry, or why it could not be read (the file name still names the job). */
export interface JournalFile {
  file: string;
  job: string;
  entry?: JobEntry;
  error?: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export class JobJournal {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'jobs');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  private path(job: string): string {
    if (!ID.test(job)) throw new Error(`job ${job}: not a valid job id for the journal`);
    return join(this.dir, `${job}.json`);
  }

  save(e: JobEntry): void {
    const path = this.path(e.job);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(e));
    renameSync(tmp, path);
  }

  remove(job: string): void {
    rmSync(this.path(job), { force: true });
  }

  /** Every entry left; temp files of an interrupted write are removed (the rename never happened, so the entry before it stands). */
  read(): JournalFile[] {
    const out: JournalFile[] = [];
    for (const name of readdirSync(this.dir)) {
      const file = join(this.dir, name);
      if (name.endsWith('.tmp')) {
        rmSync(file, { force: true });
        continue;
      }
      const job = name.replace(/\.json$/, '');
      if (!name.endsWith('.json') || !ID.test(job)) {
        out.push({ file: name, job, error: 'not a journal file name' });
        continue;
      }
      try {
        const entry = JSON.parse(readFileSync(file, 'utf8')) as JobEntry;
        if (entry.job !== job || typeof entry.dir !== 'string' || typeof entry.created !== 'boolean') throw new Error('fields missing or not matching its name');
        out.push({ file: name, job, entry });
      } catch (e) {
        out.push({ file: name, job, error: (e as Error).message });
      }
    }
    return out;
  }

  /** Removes a file read() listed, whatever its name. */
  discard(f: JournalFile): void {
    rmSync(join(this.dir, f.file), { force: true });
  }
}
