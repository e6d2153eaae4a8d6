// The seam between berthd and the runtime library: everything berthd does
// to containers goes through this one object. Besides the Runtime of
// runtime/api.ts it carries the verbs that live beside it (pause, resume,
// update, cgroup stats, exec), and the pool of pre-started inits (pool.ts)
// that its create takes from.
import type { Resources } from '../spec/types';
import type { Runtime, RuntimeContext } from '../runtime/api';
import { containerStats, pause, resume, update, type ContainerStats } from '../runtime/cgroups';
import { exec, type ExecOptions, type Executed } from '../runtime/exec';
import { create } from '../runtime/create';
import { removeOwn } from '../runtime/lifecycle';
import { runtime } from '../runtime/runtime';
import type { InitPool } from './pool';

export interface DaemonRuntime extends Runtime {
  pause(ctx: RuntimeContext, id: string): Promise<void>;
  resume(ctx: RuntimeContext, id: string): Promise<void>;
  update(ctx: RuntimeContext, id: string, resources: Resources): Promise<void>;
  stats(ctx: RuntimeContext, id: string): ContainerStats;
  exec(ctx: RuntimeContext, opts: ExecOptions): Promise<Executed>;
  /** Undoes a create of berthd's own while <root>/<id> is still the directory it claimed (lifecycle.ts). */
  removeOwn: typeof removeOwn;
  /** Pre-started inits; the daemon starts it once it holds the root's lock and closes it on stop. */
  pool?: InitPool;
}

export function loadRuntime(pool?: InitPool): DaemonRuntime {
  const base = { ...runtime, pause, resume, update, stats: containerStats, exec, removeOwn };
  if (!pool) return base;
  return {
    ...base,
    pool,
    create: async (ctx, opts) => {
      // The lease may wait while a burst holds every pooled init; it ends with the create, used or not.
      const lease = await pool.lease(opts);
      try {
        return await create(ctx, opts, lease.take);
      } finally {
        lease.release();
      }
    },
  };
}
