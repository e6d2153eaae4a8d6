// Events for changes berthd did not make itself: containers created,
// started, stopped, paused or deleted through the `berth` CLI in the same
// root, exits of containers berthd is not the parent of, and OOM kills. While
// anyone is subscribed, a one-second poll compares the runtime's list (status
// read from the processes) with what subscribers were last told, and
// publishes the difference. berthd's own events update that record as they
// go out, so nothing is reported twice. OOM kills come from the kernel's
// notification (runtime/oomevents.ts), watched from a container's first event
// or first sighting by the poll until it exits.
import type { EventType } from '../protocol/events';
import type { RuntimeContext } from '../runtime/api';
import { OomWatches } from '../runtime/oomevents';
import type { Status } from '../spec/types';
import type { EventBus } from './bus';
import type { Logger } from './log';
import type { DaemonRuntime } from './runtime';

const AFTER: Partial<Record<EventType, Status>> = { created: 'created', started: 'running', exited: 'stopped', paused: 'paused', resumed: 'running' };

export class Watcher {
  private told = new Map<string, Status>();
  private ooms: OomWatches;
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly runtime: DaemonRuntime,
    private readonly ctx: RuntimeContext,
    private readonly bus: EventBus,
    private readonly log: Logger,
    /** Containers berthd created: it reports their lifecycle itself (with exit status); only pause/resume come from here. */
    private readonly owned: (id: string) => boolean,
    /** An owned container deleted behind berthd's back (by the CLI). */
    private readonly vanished: (id: string) => void,
  ) {
    this.ooms = new OomWatches(ctx, (id) => this.bus.publish('oom', id));
    bus.onPublish((e) => {
      if (e.type === 'exited' || e.type === 'deleted') this.ooms.unwatch(e.id);
      else if (e.type !== 'oom') this.ooms.watch(e.id);
      if (e.type === 'deleted') this.told.delete(e.id);
      else if (AFTER[e.type]) this.told.set(e.id, AFTER[e.type]!);
    });
  }

  /** Starts the poll (idempotent); it idles while nobody is subscribed. */
  start(): void {
    this.timer ??= setInterval(() => void this.poll(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.ooms.close();
  }

  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const list = await this.runtime.list(this.ctx);
      const quiet = this.bus.count === 0;
      const seen = new Set<string>();
      for (const s of list) {
        seen.add(s.id);
        const before = this.told.get(s.id);
        if (!quiet && before !== s.status) this.announce(s.id, before, s.status, s.pid);
        this.told.set(s.id, s.status);
        if (s.status === 'stopped') this.ooms.unwatch(s.id);
        else if (!quiet) this.ooms.watch(s.id);
      }
      for (const id of [...this.told.keys()]) {
        if (seen.has(id)) continue;
        if (this.owned(id)) this.vanished(id);
        else if (!quiet) this.bus.publish('deleted', id);
        this.told.delete(id);
        this.ooms.unwatch(id);
      }
    } catch (e) {
      this.log('debug', 'event poll failed', { error: (e as Error).message });
    } finally {
      this.busy = false;
    }
  }

  private announce(id: string, before: Status | undefined, now: Status, pid?: number): void {
    if (this.owned(id)) {
      if (now === 'paused') this.bus.publish('paused', id);
      if (now === 'running' && before === 'paused') this.bus.publish('resumed', id);
      return;
    }
    if (before === undefined && now !== 'creating') this.bus.publish('created', id, { pid });
    if (now === 'running' && before === 'paused') this.bus.publish('resumed', id);
    else if (now === 'running') this.bus.publish('started', id, { pid });
    if (now === 'paused') this.bus.publish('paused', id);
    if (now === 'stopped') this.bus.publish('exited', id);
  }
}
