// The container's cgroup, seen from the runtime: made and joined at create,
// saved beside state.json (cgroup.json, so later verbs reopen exactly the
// directories create made, whatever cgroup the caller itself is in), and
// used by pause, resume, update, events, ps, kill --all and delete. The CLI
// verbs and berthd both call these.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCgroup, openCgroup, CgroupError, type CgroupHandle, type CgroupStats, type SavedCgroup } from '../linux/cgroups';
import type { StatsResult } from '../protocol/types';
import type { Resources, Spec } from '../spec/types';
import type { RuntimeContext } from './api';
import { RuntimeError } from './errors';
import { withLock } from './lock';
import { statusOf } from './status';
import { atomicWrite, Store } from './store';

const FILE = 'cgroup.json';

function asRuntime(e: unknown): unknown {
  return e instanceof CgroupError ? new RuntimeError(e.message, 'runtime', e.pointer) : e;
}

/**
 * Create's part: make the cgroup, move the init into it (before the init
 * unshares its cgroup namespace, so the namespace's root is this cgroup),
 * write the limits, and save where it is. The limits apply to the init stage
 * from here on, as with runc.
 */
export function attachCgroup(ctx: RuntimeContext, store: Store, id: string, spec: Spec, initPid: number): CgroupHandle {
  let cg: CgroupHandle | undefined;
  try {
    cg = createCgroup(spec, id, { warn: (m) => ctx.log?.('warn', m) });
    atomicWrite(join(store.dir(id), FILE), JSON.stringify(cg.paths));
    cg.addProcess(initPid);
    // pids waits for deferredLimits(): the init stage is Node, which starts
    // threads while it sets the container up, and a small pids.max would stop it.
    const { pids: _pids, ...now } = spec.linux?.resources ?? {};
    cg.apply(now);
    return cg;
  } catch (e) {
    // The caller never gets the handle, so the cgroup (and the init in it) goes here.
    try {
      cg?.destroy();
    } catch (err) {
      ctx.log?.('warn', (err as Error).message);
    }
    throw asRuntime(e);
  }
}

/**
 * Create's last cgroup step, once the init reports "created" (it then only
 * waits for `start` and execs): the limits held back by attachCgroup. pids.max
 * may be set below the current count; only new forks are refused.
 */
export function deferredLimits(cg: CgroupHandle, spec: Spec): void {
  const pids = spec.linux?.resources?.pids;
  if (!pids) return;
  try {
    cg.apply({ pids });
  } catch (e) {
    throw asRuntime(e);
  }
}

/** The container's cgroup from cgroup.json, or undefined for a container made without one. */
export function containerCgroup(store: Store, id: string): CgroupHandle | undefined {
  let saved: SavedCgroup;
  try {
    saved = JSON.parse(readFileSync(join(store.dir(id), FILE), 'utf8')) as SavedCgroup;
  } catch {
    return undefined;
  }
  let devices;
  try {
    devices = store.readConfig(id).linux?.devices;
  } catch {
    devices = undefined;
  }
  return openCgroup(saved, devices);
}

/** delete's part: remove the cgroup (thawing and killing whatever is left in it). */
export function destroyContainerCgroup(store: Store, id: string): void {
  try {
    containerCgroup(store, id)?.destroy();
  } catch (e) {
    throw asRuntime(e);
  }
}

/** Every process in the container's cgroup, for kill --all and delete --force; undefined without a cgroup. */
export function cgroupPids(store: Store, id: string): number[] | undefined {
  return containerCgroup(store, id)?.pids();
}

/** Signals every process through the cgroup (freezing around it so nothing escapes); false without a cgroup. */
export function signalAll(store: Store, id: string, signal: NodeJS.Signals | number): boolean {
  const cg = containerCgroup(store, id);
  if (!cg) return false;
  cg.killAll(signal);
  return true;
}

function need(store: Store, id: string): CgroupHandle {
  const cg = containerCgroup(store, id);
  if (!cg) throw new RuntimeError(`container \`${id}\` has no cgroup`, 'invalid-state');
  return cg;
}

export function pause(ctx: RuntimeContext, id: string): Promise<void> {
  return setFrozen(ctx, id, true);
}

export function resume(ctx: RuntimeContext, id: string): Promise<void> {
  return setFrozen(ctx, id, false);
}

/** pause and resume are one transition run in either direction: running ⇄ paused. */
async function setFrozen(ctx: RuntimeContext, id: string, frozen: boolean): Promise<void> {
  const [verb, from] = frozen ? ['pause', 'running'] : ['resume', 'paused'];
  await withLock(ctx.root, id, () => {
    const store = new Store(ctx.root);
    const st = store.read(id);
    const status = statusOf(store, id, st);
    if (status !== from || !st) throw new RuntimeError(`cannot ${verb} container \`${id}\`: it is ${status}, not ${from}`, 'invalid-state');
    try {
      const cg = need(store, id);
      if (frozen) cg.freeze();
      else cg.thaw();
    } catch (e) {
      throw asRuntime(e);
    }
    store.write({ ...st, paused: frozen });
  });
}

/** Writes the set fields of `resources` and merges them into the stored config, as runc keeps its state's config current. */
export async function update(ctx: RuntimeContext, id: string, resources: Resources): Promise<void> {
  await withLock(ctx.root, id, () => {
    const store = new Store(ctx.root);
    const st = store.read(id);
    const status = statusOf(store, id, st);
    if (status === 'stopped' || !st) throw new RuntimeError(`cannot update container \`${id}\`: it is ${status}`, 'invalid-state');
    try {
      need(store, id).update(resources);
    } catch (e) {
      throw asRuntime(e);
    }
    const spec = store.readConfig(id);
    spec.linux ??= {};
    spec.linux.resources = mergeResources(spec.linux.resources ?? {}, resources);
    store.writeConfig(id, spec);
  });
}

/** One level deep: each resource group's set fields replace the stored ones. */
export function mergeResources(old: Resources, add: Resources): Resources {
  const out: Record<string, unknown> = { ...old };
  for (const [k, v] of Object.entries(add)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev) ? { ...prev, ...v } : v;
  }
  return out as Resources;
}

export interface ContainerStats {
  stats: CgroupStats;
  oomKills: number;
  pids: number[];
}

/** What events and ps read; throws not-found / invalid-state like the other verbs. */
export function containerStats(ctx: RuntimeContext, id: string): ContainerStats {
  const store = new Store(ctx.root);
  const st = store.read(id);
  const status = statusOf(store, id, st);
  if (status === 'stopped') throw new RuntimeError(`container \`${id}\` is stopped`, 'invalid-state');
  const cg = need(store, id);
  try {
    return { stats: cg.stats(), oomKills: cg.oomKills(), pids: cg.pids() };
  } catch (e) {
    throw asRuntime(e);
  }
}

/** berthd's `stats` result (protocol/types.ts StatsResult) from the container's cgroup. */
export function statsResult(ctx: RuntimeContext, id: string): StatsResult {
  const { stats: s, oomKills } = containerStats(ctx, id);
  const out: StatsResult = {};
  if (s.cpu) out.cpu = { usageNanos: s.cpu.usage.total };
  if (s.memory) {
    const u = s.memory.usage;
    // "unlimited" is a huge sentinel on v1 and -1 (max) on v2: leave the limit out then.
    const limited = u.limit > 0 && u.limit < 2 ** 62;
    out.memory = { usageBytes: u.usage, ...(limited ? { limitBytes: u.limit } : {}), ...(u.max !== undefined ? { maxUsageBytes: u.max } : {}), oomKills };
  }
  if (s.pids) out.pids = { current: s.pids.current, ...(s.pids.limit > 0 ? { limit: s.pids.limit } : {}) };
  return out;
}
