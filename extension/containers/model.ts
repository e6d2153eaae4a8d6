// The extension's picture of berthd's containers: a full `list` when the
// connection comes up, then one lifecycle event at a time (no polling while
// connected). Events carry only what changed; an event for a container the
// model has not seen (one the `berth` CLI made) asks the caller to fetch its
// full state. No `vscode` import: the tree and the status bar read it.
import { Emitter, type Event } from 'vscode-jsonrpc';
import type { ContainerEvent } from '../../helper/protocol/events';
import type { ContainerInfo } from '../../helper/protocol/types';

export interface ModelChange {
  /** Ids whose entry changed, appeared or disappeared; all when undefined. */
  ids?: string[];
}

export class ContainersModel {
  private readonly byId = new Map<string, ContainerInfo>();
  /** Containers whose init was OOM-killed at some point (events only say so once). */
  private readonly oomed = new Set<string>();
  private readonly emitter = new Emitter<ModelChange>();
  readonly onDidChange: Event<ModelChange> = this.emitter.event;

  all(): ContainerInfo[] {
    return [...this.byId.values()].sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '') || a.id.localeCompare(b.id));
  }

  get(id: string): ContainerInfo | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  count(status: ContainerInfo['status']): number {
    let n = 0;
    for (const c of this.byId.values()) if (c.status === status) n++;
    return n;
  }

  wasOomKilled(id: string): boolean {
    return this.oomed.has(id);
  }

  /** Replaces everything with a fresh `list` result. */
  reset(containers: ContainerInfo[]): void {
    this.byId.clear();
    for (const c of containers) this.byId.set(c.id, c);
    for (const id of this.oomed) if (!this.byId.has(id)) this.oomed.delete(id);
    this.emitter.fire({});
  }

  /** Forgets everything (berthd went away: what we knew may be stale). */
  clear(): void {
    this.byId.clear();
    this.emitter.fire({});
  }

  upsert(c: ContainerInfo): void {
    this.byId.set(c.id, c);
    this.emitter.fire({ ids: [c.id] });
  }

  /** Applies one event; returns true when the container is unknown and its full state should be fetched. */
  apply(e: ContainerEvent): boolean {
    if (e.type === 'deleted') {
      const had = this.byId.delete(e.id);
      this.oomed.delete(e.id);
      if (had) this.emitter.fire({ ids: [e.id] });
      return false;
    }
    const c = this.byId.get(e.id);
    if (!c) return true;
    const next: ContainerInfo = { ...c };
    switch (e.type) {
      case 'created':
        next.status = 'created';
        if (e.pid !== undefined) next.pid = e.pid;
        next.created ??= e.time;
        break;
      case 'started':
      case 'resumed':
        next.status = 'running';
        if (e.pid !== undefined) next.pid = e.pid;
        break;
      case 'paused':
        next.status = 'paused';
        break;
      case 'exited':
        next.status = 'stopped';
        if (e.exitStatus) next.exitStatus = e.exitStatus;
        break;
      case 'oom':
        this.oomed.add(e.id);
        break;
    }
    this.byId.set(e.id, next);
    this.emitter.fire({ ids: [e.id] });
    return false;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
