// A pool of pre-started init stages: each is `node dist/init.js` spawned the
// way create spawns it (PID 1 of a fresh pid namespace) and already past
// Node's start-up, blocked on its sync channel waiting for InitConfig. A
// create that the pooled shape can serve takes one instead of paying ~100 ms
// of start-up; the pool refills in the background.
//
// The shape served: a new pid namespace (not joined by path), no user/time
// namespace (create asks only then), no terminal, no preserved fds, and stdio
// [/dev/null, F, F] for one regular file F — berthd's non-tty output log.
// stdio cannot be handed over after spawn, so each pooled init writes to its
// own slot file; taking the slot renames that file onto F (the open fd
// follows the inode), and the file berthd had opened at F is simply replaced.
//
// Pooled inits are not containers: they hold no exec fifo and no state
// directory, and their only fds are /dev/null, their slot file and the sync
// socket. They never outlive berthd: a closed sync socket makes the init exit
// (helper/init/channel.ts), which happens on SIGKILL as on a graceful stop.
//
// Pooled inits boot at berthd's own priority: renicing them (19 while
// booting, restored per thread when taken) measured no different on this
// 2-core VM, and under load from elsewhere a niced refill starves.
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateOptions } from '../runtime/api';
import { spawnInit, type SpawnedInit } from '../runtime/spawn';
import type { Spec } from '../spec/types';
import type { Logger } from './log';

interface Slot {
  spawned: SpawnedInit;
  log: string;
  bornAt: number;
}

/** Consecutive pooled inits that died on their own within this time stop the pool (a broken init.js must not spin). */
const EARLY_DEATH_MS = 2000;
const EARLY_DEATH_LIMIT = 3;

export class InitPool {
  private slots: Slot[] = [];
  private dir?: string;
  private next = 0;
  private earlyDeaths = 0;
  private refill?: NodeJS.Timeout;
  private closed = false;

  /** size: inits kept ready; refillDelayMs: pause after a take, so a refill's start-up does not compete with the create that took. */
  constructor(readonly size: number, private readonly log: Logger, private readonly refillDelayMs = 20) {}

  /** Starts filling; dir is private to this berthd (under its locked data directory) and emptied first. */
  start(dir: string): void {
    this.dir = dir;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.fill();
  }

  /** How many inits are waiting now, and their pids (for tests and the bench). */
  get pids(): number[] {
    return this.slots.map((s) => s.spawned.child.pid!).filter((p) => p !== undefined);
  }

  /** create's InitSource: a pooled init for a spec and options it can serve, else undefined. */
  take = (spec: Spec, opts: CreateOptions): SpawnedInit | undefined => {
    if (this.closed || !servable(spec, opts)) return undefined;
    const target = logTarget(opts.stdio);
    if (!target) return undefined;
    for (;;) {
      const slot = this.slots.shift();
      if (!slot) break;
      const child = slot.spawned.child;
      if (child.exitCode !== null || child.signalCode !== null) continue;
      try {
        renameSync(slot.log, target);
      } catch (e) {
        // Another filesystem (EXDEV): this request cannot use any slot; keep it.
        this.slots.unshift(slot);
        this.log('debug', 'init pool: cannot hand over the output file', { target, error: (e as Error).message });
        return undefined;
      }
      child.removeAllListeners('exit');
      this.scheduleFill();
      return slot.spawned;
    }
    this.scheduleFill();
    return undefined;
  };

  /** Kills every waiting init and removes the slot files (graceful stop). */
  close(): void {
    this.closed = true;
    clearTimeout(this.refill);
    for (const s of this.slots.splice(0)) s.spawned.child.kill('SIGKILL');
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private scheduleFill(): void {
    if (this.refill || this.closed) return;
    this.refill = setTimeout(() => {
      this.refill = undefined;
      this.fill();
    }, this.refillDelayMs);
    this.refill.unref();
  }

  private fill(): void {
    while (!this.closed && this.dir && this.slots.length < this.size) {
      try {
        this.slots.push(this.spawn(this.dir));
      } catch (e) {
        this.log('warn', 'init pool: could not start an init stage; creates spawn their own', { error: (e as Error).message });
        return;
      }
    }
  }

  private spawn(dir: string): Slot {
    const log = join(dir, `slot-${this.next++}.log`);
    const stdin = openSync('/dev/null', 'r');
    const out = openSync(log, 'a', 0o600);
    let spawned: SpawnedInit;
    try {
      spawned = spawnInit({ type: 'pid' }, [stdin, out, out], 0);
    } catch (e) {
      rmSync(log, { force: true });
      throw e;
    } finally {
      closeSync(stdin);
      closeSync(out);
    }
    const slot: Slot = { spawned, log, bornAt: Date.now() };
    const child: ChildProcess = spawned.child;
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => this.died(slot, code, signal));
    return slot;
  }

  /** A waiting init ended on its own (killed from outside, or a broken init.js): drop it and refill, unless that keeps happening. */
  private died(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    this.slots.splice(i, 1);
    rmSync(slot.log, { force: true });
    this.earlyDeaths = Date.now() - slot.bornAt < EARLY_DEATH_MS ? this.earlyDeaths + 1 : 0;
    if (this.earlyDeaths >= EARLY_DEATH_LIMIT) {
      this.log('warn', 'init pool: pooled init stages keep dying; pool stopped, creates spawn their own', { code, signal });
      this.close();
      return;
    }
    this.scheduleFill();
  }

  /** Slot files of this pool (for tests). */
  files(): string[] {
    return this.dir ? readdirSync(this.dir) : [];
  }
}

/** The shape a pooled init was spawned for (see the top of this file). */
function servable(spec: Spec, opts: CreateOptions): boolean {
  if (spec.process?.terminal || opts.consoleSocket !== undefined || opts.consoleFd !== undefined) return false;
  if (opts.preserveFds) return false;
  const pid = spec.linux?.namespaces?.find((n) => n.type === 'pid');
  return pid !== undefined && !pid.path;
}

/** F when stdio is [/dev/null, F, F] with F a file path that still exists, else undefined. */
function logTarget(stdio: CreateOptions['stdio']): string | undefined {
  if (!stdio || stdio[1] !== stdio[2]) return undefined;
  try {
    if (readlinkSync(`/proc/self/fd/${stdio[0]}`) !== '/dev/null') return undefined;
    const out = readlinkSync(`/proc/self/fd/${stdio[1]}`);
    return out.startsWith('/') && !out.endsWith(' (deleted)') ? out : undefined;
  } catch {
    return undefined;
  }
}
