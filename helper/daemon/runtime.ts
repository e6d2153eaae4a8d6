// The seam between berthd and the runtime library: everything berthd does
// to containers goes through this one object. Besides the Runtime of
// runtime/api.ts it carries the verbs that live beside it (pause, resume,
// update, cgroup stats, exec); a pool of pre-started inits, or a test double,
// would be slotted in here.
import type { Resources } from '../spec/types';
import type { Runtime, RuntimeContext } from '../runtime/api';
import { containerStats, pause, resume, update, type ContainerStats } from '../runtime/cgroups';
import { exec, type ExecOptions, type Executed } from '../runtime/exec';
import { runtime } from '../runtime/runtime';

export interface DaemonRuntime extends Runtime {
  pause(ctx: RuntimeContext, id: string): Promise<void>;
  resume(ctx: RuntimeContext, id: string): Promise<void>;
  update(ctx: RuntimeContext, id: string, resources: Resources): Promise<void>;
  stats(ctx: RuntimeContext, id: string): ContainerStats;
  exec(ctx: RuntimeContext, opts: ExecOptions): Promise<Executed>;
}

export function loadRuntime(): DaemonRuntime {
  return { ...runtime, pause, resume, update, stats: containerStats, exec };
}
