// bundle.debootstrap and bundle.cancel: a Debian or Ubuntu rootfs made by
// `debootstrap` run as root by berthd, reported step by step to the client
// that asked, and cancellable. A job belongs to its connection: the client
// going away cancels it, so a closed editor never leaves a half-made rootfs.
// Whatever ends the job (cancel, failure), berthd removes only what it
// created — the whole directory when it made it, else only rootfs/ inside —
// and only after every process of the job's group is gone and every mount
// below the path is detached (debootstrap mounts proc and sys in there).
// Each job is journalled (jobJournal.ts) from before it touches the disk
// until its clean-up is done, so a berthd killed mid-job is followed by one
// that undoes it at start-up (debootstrapRecovery.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, chownSync, closeSync, constants, fchownSync, mkdirSync, openSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ErrorCode } from '../protocol/errors';
import { type BundleFinishedNotification, type BundleProgressNotification, Notifications } from '../protocol/events';
import type { DebootstrapParams, Empty, JobParams, JobResult } from '../protocol/types';
import { procStat } from '../linux/proc';
import { defaultSpec } from '../spec/default';
import { type BundleTarget, checkTarget } from './bundleTarget';
import type { Peer } from './containers';
import { DebootstrapProgress } from './debootstrapProgress';
import { DaemonError } from './errors';
import type { CallContext } from './handlers';
import { JOB_MARKER, type JobEntry, type JobJournal } from './jobJournal';
import { unmountUnder } from './mountsUnder';
import { pinBundle, type PinnedBundle } from './pinnedBundle';
import { endGroup, reapAdopted } from './processGroup';

const PROGRAM = 'debootstrap';

/** Jobs one non-root uid may run at once: each is debootstrap as root (a download, a few hundred MB of disk, a process tree). */
export const MAX_JOBS_PER_UID = 2;

/** Running jobs by id, and the directories they are making (two jobs never share one). */
const jobs = new Map<string, Job>();
const busyDirs = new Set<string>();
/** Opened by the daemon's start-up once the previous instance's leftovers are undone. */
let journal: JobJournal | undefined;

export function useJobJournal(j: JobJournal): void {
  journal = j;
}

/** The debootstrap that berthd's PATH finds, or undefined. */
function findProgram(): string | undefined {
  for (const d of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (!d.startsWith('/')) continue;
    const p = join(d, PROGRAM);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

class Job {
  private child?: ChildProcess;
  private cancelled = false;
  private exited = false;
  private stopping?: Promise<number[]>;
  private readonly progress = new DebootstrapProgress();
  readonly finished: Promise<void>;
  private readonly rootfs: string;
  /** A --strict peer's bundle, held by fds (pinnedBundle.ts). */
  private pinned?: PinnedBundle;

  constructor(
    readonly id: string,
    readonly peer: Peer,
    private readonly target: BundleTarget,
    private readonly params: DebootstrapParams,
    private readonly notify: (method: string, params: object) => void,
    private readonly entry: JobEntry,
    private readonly journal: JobJournal,
  ) {
    this.rootfs = join(target.dir, 'rootfs');
    this.finished = this.run().finally(() => this.pinned?.close()).then((end) => this.notify(Notifications.bundleFinished, { job: this.id, ...end } satisfies BundleFinishedNotification));
  }

  private step(s: Omit<BundleProgressNotification, 'job'>): void {
    this.notify(Notifications.bundleProgress, { job: this.id, ...s } satisfies BundleProgressNotification);
  }

  /** Ends the job's processes and removes what it made; resolves once the job has finished. */
  cancel(): Promise<void> {
    if (!this.exited && !this.cancelled) {
      this.cancelled = true;
      // Before the spawn there is nothing to end: run() sees `cancelled` and never starts it.
      this.stopping = this.child?.pid ? endGroup(this.child.pid) : Promise.resolve([]);
    }
    return this.finished;
  }

  private async run(): Promise<Omit<BundleFinishedNotification, 'job'>> {
    const { suite, mirror, variant = 'minbase' } = this.params;
    const what = `debootstrap ${suite} into ${this.rootfs}`;
    try {
      // Start once the answer with the job id is on its way: it is written before anything queued after this tick.
      await new Promise((r) => setImmediate(r));
      this.step({ phase: 'start', step: `${what}${mirror ? ` from ${mirror}` : ''}`, percent: 0 });
      if (this.cancelled) return this.cancelledEnd();
      if (this.peer.strict) {
        try {
          this.pinned = pinBundle(this.target.dir, (st) => (this.entry.dirId ? `${st.dev}:${st.ino}` === `${this.entry.dirId.dev}:${this.entry.dirId.ino}` : Number(st.uid) === this.peer.uid));
        } catch (e) {
          return this.fail(`${what}: ${(e as Error).message}`, this.target.create);
        }
      }
      const args = [`--variant=${variant}`, suite, this.pinned?.rootfs ?? this.rootfs, ...(mirror ? [mirror] : [])];
      const child = spawn(findProgram() ?? PROGRAM, args, {
        // Its own process group, so cancel reaches wget, dpkg and chroot too.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        // The marker lets a restarted berthd find every process of the job, whatever became of its group.
        env: { ...process.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive', [JOB_MARKER]: this.id },
      });
      this.child = child;
      if (child.pid) {
        try {
          // Read before this tick ends: the child cannot have been reaped yet, so its /proc entry is still there.
          this.journal.save({ ...this.entry, pid: child.pid, pidStart: procStat(child.pid)?.startTime });
        } catch {
          // The entry without the pid still serves: recovery finds the job's processes by their marker.
        }
      }
      const closed = new Promise<void>((res) => child.once('close', () => res()));
      const ended = new Promise<{ code: number | null; signal: string | null; error?: Error }>((res) => {
        child.once('exit', (code, signal) => res({ code, signal }));
        child.once('error', (error) => res({ code: null, signal: null, error }));
      });
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          const s = this.progress.feed(line);
          if (s) this.step(s);
        });
      }
      const end = await ended;
      this.exited = true;
      if (end.error) return this.fail(`${what}: ${end.error.message}`);
      // Stragglers (a child that outlived debootstrap) go too, then the last lines are read.
      const left = await (this.stopping ?? endGroup(child.pid!));
      reapAdopted(child.pid!, child.pid);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
      if (left.length) return this.fail(`${what}: processes ${left.join(', ')} of its group did not exit; ${this.target.dir} left in place`, false);
      if (this.cancelled) return this.cancelledEnd();
      if (end.code !== 0) return this.fail(this.progress.failure(`${what}: exited with ${end.code ?? end.signal}`));
      return this.finish();
    } catch (e) {
      return this.fail(`${what}: ${(e as Error).message}`);
    }
  }

  private cancelledEnd(): Omit<BundleFinishedNotification, 'job'> {
    const problem = this.removeCreated();
    return problem ? { outcome: 'failed', error: `cancelled, but ${problem}` } : { outcome: 'cancelled' };
  }

  private fail(error: string, clean = true): Omit<BundleFinishedNotification, 'job'> {
    const problem = clean ? this.removeCreated() : undefined;
    return { outcome: 'failed', error: problem ? `${error}; ${problem}` : error };
  }

  /** config.json as `berth spec` writes it (root.path is already `rootfs`), owned by the caller like the directory. */
  private finish(): Omit<BundleFinishedNotification, 'job'> {
    const left = unmountUnder(this.rootfs);
    if (left.length) return this.fail(`${this.rootfs}: still mounted after debootstrap: ${left.join(', ')}`, false);
    const config = join(this.target.dir, 'config.json');
    // Never over an existing entry, never through a symlink: whatever appeared there meanwhile is not berthd's to write or chown.
    let fd: number;
    try {
      fd = openSync(join(this.pinned?.dir ?? this.target.dir, 'config.json'), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    } catch (e) {
      return this.fail(`${config}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'appeared during the job; not overwritten' : (e as Error).message}`, false);
    }
    try {
      writeSync(fd, JSON.stringify(defaultSpec(), null, '\t') + '\n');
      fchownSync(fd, this.peer.uid, this.peer.gid);
    } finally {
      closeSync(fd);
    }
    if (this.target.create) chownSync(this.pinned?.dir ?? this.target.dir, this.peer.uid, this.peer.gid);
    this.step({ phase: 'config', step: `wrote ${config}`, percent: 100 });
    return { outcome: 'done', config };
  }

  /** Removes what this job made; a sentence saying what was left, or undefined when all went. */
  private removeCreated(): string | undefined {
    const base = this.target.create ? this.target.dir : this.rootfs;
    try {
      const left = unmountUnder(base);
      if (left.length) return `${base} left in place: still mounted at ${left.join(', ')}`;
      rmSync(base, { recursive: true, force: true });
      return undefined;
    } catch (e) {
      return `${base} not fully removed: ${(e as Error).message}`;
    }
  }
}

export function startDebootstrap(c: CallContext, p: DebootstrapParams, newId: () => string): JobResult {
  if (!findProgram()) {
    throw new DaemonError(ErrorCode.NotSupported, `bundle.debootstrap: ${PROGRAM} is not on berthd's PATH (apt-get install debootstrap on the host)`);
  }
  if (!journal) throw new DaemonError(ErrorCode.InternalError, 'bundle.debootstrap: the job journal is not open (berthd is still starting)');
  const j = journal;
  const mine = [...jobs.values()].filter((job) => job.peer.uid === c.peer.uid).length;
  if (c.peer.uid !== 0 && mine >= MAX_JOBS_PER_UID) {
    throw new DaemonError(ErrorCode.TooMany, `bundle.debootstrap: uid ${c.peer.uid} already runs ${mine} bundle jobs, the most one user may; wait for one to finish or cancel it`);
  }
  const target = checkTarget(p.dir, c.peer);
  if (busyDirs.has(target.dir)) throw new DaemonError(ErrorCode.BadBundle, `dir ${p.dir}: another job is making this bundle`, { pointer: '/dir' });
  const id = newId();
  // The entry comes before the directory: a kill between the two leaves an entry for an empty or absent directory, never a directory no entry names.
  const entry: JobEntry = { job: id, kind: 'debootstrap', started: new Date().toISOString(), dir: target.dir, created: target.create };
  j.save(entry);
  if (target.create) {
    try {
      mkdirSync(target.dir, { mode: 0o755 });
    } catch (e) {
      j.remove(id);
      throw new DaemonError(ErrorCode.BadBundle, `dir ${p.dir}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'appeared meanwhile' : (e as Error).message}`, { pointer: '/dir' });
    }
    try {
      const st = statSync(target.dir, { bigint: true });
      entry.dirId = { dev: st.dev.toString(), ino: st.ino.toString() };
      j.save(entry);
    } catch (e) {
      rmdirSync(target.dir); // made a moment ago, still empty
      j.remove(id);
      throw e;
    }
  }
  busyDirs.add(target.dir);
  const job = new Job(id, c.peer, target, p, c.notify, entry, j);
  jobs.set(id, job);
  const forget = c.onDisconnect(() => void job.cancel());
  void job.finished.finally(() => {
    forget();
    jobs.delete(id);
    busyDirs.delete(target.dir);
    // Its clean-up is done (or its bundle finished): nothing for a restart to undo.
    j.remove(id);
  });
  return { job: id };
}

export async function cancelJob(c: CallContext, p: JobParams): Promise<Empty> {
  const job = jobs.get(p.job);
  if (!job || (c.peer.uid !== 0 && job.peer.uid !== c.peer.uid)) {
    throw new DaemonError(ErrorCode.NoJob, `job ${p.job}: no such bundle job (finished, or not yours)`, { pointer: '/job' });
  }
  await job.cancel();
  return {};
}

/** Cancels every running job and waits for their clean-up (berthd's graceful stop). */
export async function cancelAllJobs(): Promise<void> {
  await Promise.all([...jobs.values()].map((j) => j.cancel()));
}
