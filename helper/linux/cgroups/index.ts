// The seam between the runtime and cgroups. The runtime parent calls
// createCgroup(spec, id) and addProcess(initPid) before the init unshares its
// cgroup namespace (so the namespace's root is the container's cgroup), then
// apply(spec.linux.resources); it saves `handle.paths` in the state file and
// later reopens it with openCgroup() for pause, resume, update, events, ps,
// kill --all and delete (destroy()).
import { posix } from 'node:path';
import type { Device, Spec } from '../../spec/types';
import { Cgroup } from './cgroup';
import { CgroupError } from './errors';
import { hostLayout, type Layout } from './layout';
import { ownCgroups, pathInHierarchy, resolveCgroupsPath } from './path';
import type { CgroupHandle, SavedCgroup } from './types';

export type { CgroupHandle, CgroupMode, CgroupStats, SavedCgroup } from './types';
export { CgroupError } from './errors';
export { hostLayout } from './layout';
export { cgroupFeatures, type CgroupFeatures } from './features';
export { watchOom, type OomWatch } from './oomwatch';

export interface CgroupOptions {
  /** Non-fatal notes, e.g. a deprecated field the kernel ignores. */
  warn?: (message: string) => void;
  /** For tests: a layout other than the host's. */
  layout?: Layout;
}

/** Where the container's cgroup goes in every hierarchy, without touching the filesystem. */
export function cgroupPaths(cgroupsPath: string | undefined, id: string, layout: Layout = hostLayout(), own = ownCgroups()): SavedCgroup {
  const resolved = resolveCgroupsPath(cgroupsPath, id);
  const v1: Record<string, string> = {};
  if (layout.mode !== 'v2') for (const [ctrl, mount] of layout.v1) v1[ctrl] = inMount(mount, pathInHierarchy(resolved, own.get(ctrl)));
  // Pure v2: beside the runtime's own cgroup, never in it (path.ts says why).
  // Hybrid keeps the v1 rule for its cgroup2 mount, which enables no controllers.
  const unified = layout.unified ? inMount(layout.unified, pathInHierarchy(resolved, own.get(''), layout.mode === 'v2')) : undefined;
  if (!unified && Object.keys(v1).length === 0) throw new CgroupError('no cgroup hierarchy is mounted on this host (see /proc/self/mountinfo)');
  return { mode: layout.mode, path: resolved.absolute ?? resolved.relative ?? id, v1, unified };
}

/** A path inside a hierarchy as a directory under its mount point (the mount may show only a subtree). */
function inMount(mount: { mountpoint: string; root: string }, path: string): string {
  let rel = path;
  if (mount.root !== '/' && (path === mount.root || path.startsWith(mount.root + '/'))) rel = path.slice(mount.root.length) || '/';
  return posix.join(mount.mountpoint, rel);
}

/**
 * Makes the container's cgroup (all directories, v1 cpusets filled, cgroup2
 * controllers enabled) and checks that every resource the config sets has a
 * controller here — so a config this host cannot honour fails before any
 * process exists. Writes no limits: call apply() for that.
 */
export function createCgroup(spec: Spec, id: string, opts: CgroupOptions = {}): CgroupHandle {
  const saved = cgroupPaths(spec.linux?.cgroupsPath, id, opts.layout);
  const cg = new Cgroup(saved, spec.linux?.devices, opts.warn);
  cg.create(spec.linux?.resources);
  return cg;
}

/** Reopens a cgroup from the state file. `linuxDevices` (the config's linux.devices) matters only to device rule updates. */
export function openCgroup(saved: SavedCgroup, linuxDevices?: Device[], opts: CgroupOptions = {}): CgroupHandle {
  return new Cgroup(saved, linuxDevices, opts.warn);
}
