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
// Refill is eager: a taken init is replaced at once, while the create that
// took it runs. Under back-to-back creates the pool grows (one more ready
// init for each take that found it empty or came within BURST_GAP_MS of the
// previous one, up to `max`) and shrinks back to its base size after
// IDLE_MS without a take. A burst is also bounded: at most `max` creates
// hold a pooled init at once; the rest wait in order for the next one (or
// spawn their own when no create finished for WAIT_MS), so 100 concurrent
// creates boot at most `max` Node processes at a time instead of 100
// (memory, and 2 cores that would only switch between them).
//
// Pooled inits boot at berthd's own priority: renicing them (19 while
// booting, restored per thread when taken) measured no different on this
// 2-core VM, and under load from elsewhere a niced refill starves.
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateOptions } from '../runtime/api';
import type { InitSource } from '../runtime/create';
import { spawnInit, type SpawnedInit } from '../runtime/spawn';
import type { Spec } from '../spec/types';
import type { Logger } from './log';

interface Slot {
  spawned: SpawnedInit;
  log: string;
  bornAt: number;
}

/** One create's claim on the pool: its InitSource, and release() when the create is over (taken or not). */
export interface Lease {
  take: InitSource;
  release(): void;
}

/** Consecutive pooled inits that died on their own within this time stop the pool (a broken init.js must not spin). */
const EARLY_DEATH_MS = 2000;
const EARLY_DEATH_LIMIT = 3;
/** The pool never grows past this many ready inits (unless --init-pool asks for more): each is a ~40 MB Node process. */
export const POOL_MAX = 8;
/** Takes closer together than this are a burst: Node's start-up (~100 ms here) cannot keep up with one ready init. */
const BURST_GAP_MS = 250;
/** No take for this long: back to the base size. */
const IDLE_MS = 10_000;
/** A create waiting for a pooled init spawns its own once no create has finished for this long. */
const WAIT_MS = 2000;

const NO_LEASE: Lease = { take: () => undefined, release: () => undefined };

export class InitPool {
  private slots: Slot[] = [];
  private dir?: string;
  private next = 0;
  private earlyDeaths = 0;
  private closed = false;
  /** Ready inits wanted now: base size, grown by bursts, shrunk when idle. */
  private target: number;
  readonly max: number;
  /** Creates holding a pooled init (their create is still running). */
  private leased = 0;
  private waiters: ((slot: Slot | undefined) => void)[] = [];
  private lastTake = 0;
  private lastRelease = 0;
  private shrink?: NodeJS.Timeout;

  /** size: ready inits kept at rest. */
  constructor(readonly size: number, private readonly log: Logger) {
    this.target = size;
    this.max = Math.max(size, POOL_MAX);
  }

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

  /** The ready size wanted now (base size unless a burst grew it). */
  get wanted(): number {
    return this.target;
  }

  /**
   * A claim for one create. Creates whose options the pool cannot serve get
   * none at once; the others get a ready init, or wait for one while `max`
   * creates already hold theirs.
   */
  async lease(opts: CreateOptions): Promise<Lease> {
    if (this.closed || !this.dir || !servableOptions(opts)) return NO_LEASE;
    this.noteTake();
    let slot = this.pop();
    if (!slot && !this.closed && this.leased >= this.max) {
      // max creates hold a pooled init already: wait for one of them to finish.
      slot = await new Promise<Slot | undefined>((resolve) => {
        const wake = (s: Slot | undefined) => {
          clearTimeout(timer);
          resolve(s);
        };
        // Waits as long as creates keep finishing; gives up (and spawns its own) only when none did for WAIT_MS (hooks that hang, say).
        const giveUp = () => {
          const idle = Date.now() - this.lastRelease;
          if (idle < WAIT_MS) {
            timer = setTimeout(giveUp, WAIT_MS - idle);
            return;
          }
          this.waiters = this.waiters.filter((w) => w !== wake);
          resolve(undefined);
        };
        let timer = setTimeout(giveUp, WAIT_MS);
        this.waiters.push(wake);
      });
    }
    if (!slot) return NO_LEASE;
    let held: Slot | undefined = slot;
    let done = false;
    return {
      take: (spec, o) => {
        const s = held;
        if (!s || !alive(s) || !servable(spec, o)) return undefined;
        const target = logTarget(o.stdio);
        if (!target) return undefined;
        try {
          renameSync(s.log, target);
        } catch (e) {
          // Another filesystem (EXDEV): this request cannot use the slot; release() returns it.
          this.log('debug', 'init pool: cannot hand over the output file', { target, error: (e as Error).message });
          return undefined;
        }
        held = undefined;
        return s.spawned;
      },
      release: () => {
        if (done) return;
        done = true;
        this.leased--;
        this.lastRelease = Date.now();
        if (held) {
          // Not used (a spec the pool cannot serve): back to the front, or gone.
          if (!this.closed && alive(held)) {
            const back = held;
            back.spawned.child.once('exit', (code, signal) => this.died(back, code, signal));
            this.slots.unshift(back);
          } else {
            held.spawned.child.kill('SIGKILL');
            rmSync(held.log, { force: true });
          }
        }
        this.fill();
      },
    };
  }

  /** Kills every waiting init and removes the slot files (graceful stop). */
  close(): void {
    this.closed = true;
    clearTimeout(this.shrink);
    for (const w of this.waiters.splice(0)) w(undefined);
    for (const s of this.slots.splice(0)) s.spawned.child.kill('SIGKILL');
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** A live ready init handed to a create (counted as leased), or undefined when max are leased already. */
  private pop(): Slot | undefined {
    for (;;) {
      this.fill();
      const slot = this.slots.shift();
      if (!slot) return undefined;
      if (!alive(slot)) {
        rmSync(slot.log, { force: true });
        continue;
      }
      this.handOut(slot);
      this.fill();
      return slot;
    }
  }

  private handOut(slot: Slot): void {
    slot.spawned.child.removeAllListeners('exit');
    this.leased++;
  }

  /** Grows the target on a burst and (re)arms the shrink back to the base size. */
  private noteTake(): void {
    const now = Date.now();
    if (this.slots.length === 0 || now - this.lastTake < BURST_GAP_MS) this.target = Math.min(this.max, this.target + 1);
    this.lastTake = now;
    clearTimeout(this.shrink);
    if (this.target > this.size) {
      this.shrink = setTimeout(() => this.shrinkToBase(), IDLE_MS);
      this.shrink.unref();
    }
  }

  private shrinkToBase(): void {
    this.target = this.size;
    // Newest last in the list: end those, the oldest are surely past their start-up.
    for (const s of this.slots.splice(this.target)) {
      s.spawned.child.removeAllListeners('exit');
      s.spawned.child.kill('SIGKILL');
      rmSync(s.log, { force: true });
    }
  }

  /**
   * Hands ready inits to waiting creates, then spawns up to the target (and
   * one per waiting create), never past max inits ready or held by creates.
   */
  private fill(): void {
    while (!this.closed && this.dir) {
      if (this.waiters.length > 0 && this.slots.length > 0) {
        const slot = this.slots.shift()!;
        if (!alive(slot)) {
          rmSync(slot.log, { force: true });
          continue;
        }
        this.handOut(slot);
        this.waiters.shift()!(slot);
        continue;
      }
      const want = this.waiters.length > 0 ? Infinity : this.target;
      if (this.slots.length >= want || this.slots.length + this.leased >= this.max) return;
      try {
        this.slots.push(this.spawn(this.dir));
      } catch (e) {
        this.log('warn', 'init pool: could not start an init stage; creates spawn their own', { error: (e as Error).message });
        for (const w of this.waiters.splice(0)) w(undefined);
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
    this.fill();
  }

  /** Slot files of this pool (for tests). */
  files(): string[] {
    return this.dir ? readdirSync(this.dir) : [];
  }
}

function alive(slot: Slot): boolean {
  return slot.spawned.child.exitCode === null && slot.spawned.child.signalCode === null;
}

/** What of the pooled shape the create options alone tell (no terminal, no preserved fds, stdio to a log file). */
function servableOptions(opts: CreateOptions): boolean {
  return opts.consoleSocket === undefined && opts.consoleFd === undefined && !opts.preserveFds && logTarget(opts.stdio) !== undefined;
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
