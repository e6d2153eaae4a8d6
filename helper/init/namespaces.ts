// Entering the container's namespaces (all but pid, which the parent set up
// before spawning us): first join those given by path, then unshare the new
// ones in one call. The init has already been placed in its cgroup, so a new
// cgroup namespace is rooted there.
import { writeFileSync } from 'node:fs';
import * as C from '../linux/constants';
import { NS_FLAG, setnsPath, unshare } from '../linux/ns';
import { timeOffsetsText } from '../runtime/timens';
import type { Spec } from '../spec/types';
import { at } from './errors';

export interface NsResult {
  /** True when the init has a mount namespace of its own (new or joined), so mounting is safe. */
  ownMountNs: boolean;
  newUts: boolean;
}

export function enterNamespaces(spec: Spec): NsResult {
  const list = spec.linux?.namespaces ?? [];
  let flags = 0;
  let ownMountNs = false;
  let newUts = false;
  list.forEach((ns, i) => {
    // pid: made by the parent (or the trampoline); user namespaces and joined time namespaces: by the trampoline (helper/runtime/userns.ts).
    if (ns.type === 'pid' || ns.type === 'user' || (ns.type === 'time' && ns.path)) return;
    if (ns.path) {
      at(`/linux/namespaces/${i}/path`, () => {
        // A thread sharing its fs_struct with others may not change mount namespace.
        if (ns.type === 'mount') unshare(C.CLONE_FS);
        setnsPath(ns.path!, ns.type);
      });
      if (ns.type === 'mount') ownMountNs = true;
    } else {
      flags |= NS_FLAG[ns.type];
      if (ns.type === 'mount') ownMountNs = true;
      if (ns.type === 'uts') newUts = true;
    }
  });
  if (flags) at('/linux/namespaces', () => unshare(flags));
  // A new time namespace is entered by our children and by the container's process at execve: its offsets go in first (helper/runtime/timens.ts).
  if (flags & C.CLONE_NEWTIME) at('/linux/timeOffsets', () => writeFileSync('/proc/self/timens_offsets', timeOffsetsText(spec)));
  return { ownMountNs, newUts };
}
