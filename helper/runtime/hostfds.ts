// Files the parent opens, as host root, for a container with a new user
// namespace. The init resolves paths after it became root of that
// namespace, where it has no CAP_DAC_OVERRIDE over host-owned files: a bind
// source below a host directory of mode 000 would "not exist" for it, and
// the exec fifo below a state directory it cannot search would be out of
// reach, while runc and crun handle both. So the parent opens the fifo
// O_PATH and takes a detached copy of each bind source mount (open_tree
// OPEN_TREE_CLONE, symlinks followed as mount(2) would), and hands the fds
// to the init as extra stdio slots of its spawn, after them the config's
// device nodes (made by the parent, devnodes.ts) (ID-mapped ones are
// idmapped on the parent's copy before the init gets its InitConfig,
// idmap.ts). The init reopens the fifo
// close-on-exec and attaches the sources with move_mount
// (helper/init/mounts.ts), closing each before any hook runs; its exec step
// also marks every fd above the preserved ones close-on-exec, so none
// reaches the container's process.
import { closeSync, openSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as C from '../linux/constants';
import { SysError } from '../linux/errors';
import { openTreeClone } from '../linux/mount';
import { planMount } from '../linux/mountopts';
import type { Spec } from '../spec/types';
import { makeDeviceNodes } from './devnodes';
import { RuntimeError } from './errors';

export interface HostFds {
  /** Index in spec.mounts of each bind source in `fds` after the fifo. */
  mounts: number[];
  /** How many of `fds`, at their end, are the nodes of linux.devices, in order (devnodes.ts). */
  devices: number;
  /** The parent's fds, in the order they are given to the spawn: the exec fifo (O_PATH), then the bind sources, then the device nodes. */
  fds: number[];
}

/** True when the mount entry is a bind (type or options say so). */
export function isBind(m: { type?: string; options?: string[] }): boolean {
  return m.type === 'bind' || (planMount(m.options).flags & C.MS_BIND) !== 0;
}

/** `bindSources` false: no copy of any bind source (CreateOptions.unprivilegedSources); the init finds them by path. */
export function openHostFds(spec: Spec, bundle: string, fifo: string, bindSources = true): HostFds {
  const out: HostFds = { mounts: [], devices: 0, fds: [] };
  try {
    out.fds.push(openSync(fifo, C.O_PATH | C.O_CLOEXEC));
    (spec.mounts ?? []).forEach((m, i) => {
      if (!bindSources || !isBind(m) || !m.source) return;
      const src = isAbsolute(m.source) ? m.source : join(bundle, m.source);
      const recursive = (planMount(m.options).flags & C.MS_REC) !== 0;
      let fd: number;
      try {
        fd = openTreeClone(src, recursive);
      } catch (e) {
        // An unprivileged caller (a rootless berth) cannot clone mounts; the init then finds the source by path as before.
        if (e instanceof SysError && e.code === 'EPERM' && process.geteuid?.() !== 0) return;
        const why = e instanceof SysError && e.code === 'ENOENT' ? 'does not exist' : `cannot be opened: ${(e as Error).message}`;
        throw new RuntimeError(`bind source \`${src}\` ${why}`, 'runtime', `/mounts/${i}/source`);
      }
      out.mounts.push(i);
      out.fds.push(fd);
    });
    const nodes = makeDeviceNodes(spec);
    out.fds.push(...nodes);
    out.devices = nodes.length;
  } catch (e) {
    closeHostFds(out);
    throw e;
  }
  return out;
}

export function closeHostFds(b: HostFds | undefined): void {
  for (const fd of b?.fds.splice(0) ?? []) closeSync(fd);
}
