// OOM kills in a container's cgroup, reported as they happen: the kernel's
// notification (helper/linux/cgroups/oomwatch.ts: v1 eventfd, v2 inotify)
// wakes us, and the cgroup's kill counter says how many kills there were.
// `berth events` watches one container; berthd's event stream keeps one
// watch per live container through OomWatches.
import { watchOom, type CgroupHandle, type OomWatch } from '../linux/cgroups';
import type { RuntimeContext } from './api';
import { containerCgroup } from './cgroups';
import { RuntimeError } from './errors';
import { Store } from './store';

/** Only where the kernel notification cannot be set up (a Node without process.binding). */
const FALLBACK_POLL_MS = 100;
/** Delays between re-reads of the counter after a wake-up that found no new kill (see onWake). */
const RECHECK_MS = [1, 5, 20, 50, 150, 300, 500];

export interface OomSubscription {
  /** How kills are noticed: the kernel's eventfd (v1), inotify on memory.events (v2), or the counter polled as a last resort. */
  readonly kind: 'eventfd' | 'inotify' | 'poll';
  /** Re-reads the counter (reporting kills not yet reported), then stops watching. */
  close(): void;
}

/**
 * Calls `onOom` once for every OOM kill in container `id`'s cgroup from now
 * on. Throws not-found for an unknown container and invalid-state for one
 * without a cgroup (or whose cgroup has no memory controller to count kills).
 */
export function watchOomKills(ctx: RuntimeContext, id: string, onOom: () => void): OomSubscription {
  const store = new Store(ctx.root);
  if (!store.exists(id)) throw new RuntimeError(`container \`${id}\` does not exist`, 'not-found');
  const cg = containerCgroup(store, id);
  if (!cg) throw new RuntimeError(`container \`${id}\` has no cgroup`, 'invalid-state');
  let seen = readKills(cg);
  /** Reports kills not reported yet; true when there were some. */
  const check = () => {
    const now = readKills(cg);
    // The counter only grows; a vanished cgroup reads as 0 and reports nothing.
    const some = seen < now;
    for (; seen < now; seen++) onOom();
    return some;
  };
  // v1 signals the eventfd when the cgroup goes under OOM, just before the
  // killer picks a victim: the counter may not have moved yet when we read it
  // (seen here about one time in four). So a wake-up without a new kill is
  // followed by a few re-reads over the next second, ended by the first that
  // finds one.
  let followUp: NodeJS.Timeout | undefined;
  const onWake = () => {
    clearTimeout(followUp);
    if (check()) return;
    let i = 0;
    const again = () => {
      if (check() || i >= RECHECK_MS.length) return;
      followUp = setTimeout(again, RECHECK_MS[i++]).unref();
    };
    again();
  };
  let kind: OomSubscription['kind'];
  let stop: () => void;
  let watch: OomWatch | undefined;
  try {
    watch = watchOom(cg.paths, onWake);
  } catch (e) {
    ctx.log?.('debug', 'OOM notification unavailable, polling the kill counter', { id, error: (e as Error).message });
  }
  if (watch) {
    const w = watch;
    kind = w.kind;
    stop = () => w.close();
  } else {
    if (!cg.paths.v1.memory && !(cg.paths.mode === 'v2' && cg.paths.unified)) {
      throw new RuntimeError(`container \`${id}\` has no memory cgroup to count OOM kills in`, 'invalid-state');
    }
    kind = 'poll';
    const timer = setInterval(() => void check(), FALLBACK_POLL_MS);
    stop = () => clearInterval(timer);
  }
  let closed = false;
  return {
    kind,
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(followUp);
      check();
      stop();
    },
  };
}

function readKills(cg: CgroupHandle): number {
  try {
    return cg.oomKills();
  } catch {
    return 0;
  }
}

/**
 * berthd's set of watches, one per container that can be OOM-killed
 * (created, running or paused), each reporting through `onOom(id)`.
 */
export class OomWatches {
  private subs = new Map<string, OomSubscription>();

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly onOom: (id: string) => void,
  ) {}

  /** Starts watching `id` unless already watched; a container without a memory cgroup is skipped. */
  watch(id: string): void {
    if (this.subs.has(id)) return;
    try {
      this.subs.set(id, watchOomKills(this.ctx, id, () => this.onOom(id)));
    } catch (e) {
      this.ctx.log?.('debug', 'no OOM watch', { id, error: (e as Error).message });
    }
  }

  /** Stops watching `id`, reporting kills that happened just before (an init killed by the OOM killer exits at once). */
  unwatch(id: string): void {
    this.subs.get(id)?.close();
    this.subs.delete(id);
  }

  has(id: string): boolean {
    return this.subs.has(id);
  }

  close(): void {
    for (const id of [...this.subs.keys()]) this.unwatch(id);
  }
}
