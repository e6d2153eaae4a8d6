// One entry of config.json's `mounts`, mounted inside the rootfs. The
// destination is created and opened with RESOLVE_IN_ROOT (a symlink in the
// rootfs cannot send it outside) and the mount is made on /proc/self/fd/N.
import { closeSync, fstatSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import * as C from '../linux/constants';
import { fdPath, mkdirAllInRoot, openInRoot, touchInRoot } from '../linux/inroot';
import { chdir, fchdir, mount, mountSetattrRecursive, moveMount } from '../linux/mount';
import { BIND_REMOUNT_MASK, planMount, type MountPlan } from '../linux/mountopts';
import type { Mount } from '../spec/types';
import { mountCgroups } from './cgroupfs';
import { checkDestination } from './destination';
import { at } from './errors';

/** `sourceFd`: the bind source as a detached mount opened by the parent (helper/runtime/hostfds.ts); consumed (closed). */
export function mountEntry(rootfd: number, bundle: string, m: Mount, pointer: string, sourceFd?: number): void {
  at(pointer, () => {
    const plan = planMount(m.options);
    const bind = plan.bind || m.type === 'bind';
    if (m.type === 'cgroup') return mountCgroups(rootfd, m.destination, plan);
    if (bind) {
      try {
        return bindMount(rootfd, bundle, m, plan, sourceFd);
      } finally {
        if (sourceFd !== undefined) closeSync(sourceFd);
      }
    }
    const fd = mkdirAllInRoot(rootfd, m.destination);
    try {
      checkDestination(fd, m.destination);
      mount(m.source ?? m.type ?? 'none', fdPath(fd), m.type ?? null, plan.flags & ~C.MS_REMOUNT, plan.data, m.destination);
    } finally {
      closeSync(fd);
    }
    applyPropagation(rootfd, m.destination, plan);
  });
}

/**
 * A filesystem mount (proc) made where /proc/self/fd cannot name the
 * destination yet, because this mount is what brings /proc: the destination
 * is resolved in the root as usual, then mounted on as the working directory.
 */
export function mountEntryHere(rootfd: number, m: Mount, pointer: string): void {
  at(pointer, () => {
    const plan = planMount(m.options);
    const fd = mkdirAllInRoot(rootfd, m.destination);
    try {
      checkDestination(fd, m.destination);
      fchdir(fd, m.destination);
      mount(m.source ?? m.type ?? 'none', '.', m.type ?? null, plan.flags & ~C.MS_REMOUNT, plan.data, m.destination);
    } finally {
      chdir('/');
      closeSync(fd);
    }
    applyPropagation(rootfd, m.destination, plan);
  });
}

/** rro, rnosuid, …: set on the mount and everything below it. */
function applyRecursive(rootfd: number, dest: string, plan: MountPlan): void {
  if (!plan.recursive) return;
  const top = openInRoot(rootfd, posix.normalize(dest), C.O_PATH);
  try {
    mountSetattrRecursive(top, plan.recursive.set, plan.recursive.clear, dest);
  } finally {
    closeSync(top);
  }
}

function bindMount(rootfd: number, bundle: string, m: Mount, plan: MountPlan, parentCopy?: number): void {
  if (!m.source) throw new Error(`bind mount of \`${m.destination}\` needs a source`);
  const src = isAbsolute(m.source) ? m.source : join(bundle, m.source);
  let st = statOrDenied(src);
  // The parent's copy is used only where it must be: an ID-mapped mount (idmapped while detached),
  // or a source this namespace's root cannot reach. A bind made here from the path keeps the host
  // mount's flags locked (ro, nosuid, …: the kernel locks them in a mount namespace copied into a
  // user namespace); the parent's copy, attached with move_mount, does not, so the container's
  // root (with CAP_SYS_ADMIN in its namespace) could remount it read-write, as with runc 1.2's
  // ID-mapped mounts.
  const idmapped = plan.idmap !== undefined || m.uidMappings !== undefined || m.gidMappings !== undefined;
  const sourceFd = parentCopy !== undefined && (idmapped || st === 'denied') ? parentCopy : undefined;
  if (sourceFd !== undefined) st = fstatSync(sourceFd);
  if (st === undefined || st === 'denied') throw new Error(`bind source \`${src}\` does not exist`);
  const isDir = st.isDirectory();
  const fd = isDir ? mkdirAllInRoot(rootfd, m.destination) : touchInRoot(rootfd, m.destination);
  try {
    checkDestination(fd, m.destination);
    // The parent's copy already is the (r)bind of the source (idmapped if asked): attach it as it is.
    if (sourceFd !== undefined) moveMount(sourceFd, fd, m.destination);
    else mount(src, fdPath(fd), null, C.MS_BIND | (plan.flags & C.MS_REC), null, m.destination);
  } finally {
    closeSync(fd);
  }
  // A bind mount ignores the other flags: they take effect on a remount of it.
  if (plan.flags & BIND_REMOUNT_MASK) {
    const top = openInRoot(rootfd, m.destination, C.O_PATH);
    try {
      mount(null, fdPath(top), null, C.MS_BIND | C.MS_REMOUNT | (plan.flags & BIND_REMOUNT_MASK), null, m.destination);
    } finally {
      closeSync(top);
    }
  }
  applyPropagation(rootfd, m.destination, plan);
}

/** stat(2) of a bind source: undefined when it does not exist, 'denied' when a directory above it cannot be searched. */
function statOrDenied(src: string): Stats | 'denied' | undefined {
  try {
    return statSync(src);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'denied' : undefined;
  }
}

export function applyPropagation(rootfd: number, dest: string, plan: MountPlan): void {
  applyRecursive(rootfd, dest, plan);
  if (!plan.propagation.length) return;
  const top = openInRoot(rootfd, posix.normalize(dest), C.O_PATH);
  try {
    for (const p of plan.propagation) mount(null, fdPath(top), null, p, null, dest);
  } finally {
    closeSync(top);
  }
}
