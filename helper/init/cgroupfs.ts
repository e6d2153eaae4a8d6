// A `cgroup` mount: on cgroup v2 one cgroup2 mount; on v1 (and hybrid) a
// tmpfs with one cgroup mount per hierarchy the init belongs to, as runc
// lays it out. The init is already in its own cgroup namespace, so each
// hierarchy shows the container's cgroup as its root.
import { closeSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import * as C from '../linux/constants';
import { fdPath, mkdirAllInRoot, openInRoot } from '../linux/inroot';
import { SysError } from '../linux/errors';
import { checkDestination } from './destination';
import { libc } from '../linux/libc';
import { mount } from '../linux/mount';
import type { MountPlan } from '../linux/mountopts';

export function mountCgroups(rootfd: number, dest: string, plan: MountPlan): void {
  const flags = plan.flags & ~(C.MS_BIND | C.MS_REC | C.MS_REMOUNT);
  const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n').filter(Boolean);
  // Outside a cgroup namespace a fresh cgroup mount would show the host's
  // whole tree: bind the container's own cgroup directory instead (as runc).
  const own = new Map(lines.map((l) => [l.split(':')[1], l.split(':').slice(2).join(':')]));
  const v1 = [...own.keys()].filter((c) => c !== '');
  const fd = mkdirAllInRoot(rootfd, dest);
  try {
    checkDestination(fd, dest);
    if (v1.length === 0) {
      const path = own.get('') ?? '/';
      if (path !== '/') bindHostCgroup(hostMount(''), path, rootfd, dest, flags);
      else mount('cgroup2', fdPath(fd), 'cgroup2', flags, null, dest);
      return;
    }
    mount('tmpfs', fdPath(fd), 'tmpfs', flags & ~C.MS_RDONLY, 'mode=755', dest);
  } finally {
    closeSync(fd);
  }
  for (const ctrls of v1) {
    const name = ctrls.startsWith('name=') ? ctrls.slice(5) : ctrls;
    const sub = posix.join(dest, name);
    const sfd = mkdirAllInRoot(rootfd, sub);
    try {
      const path = own.get(ctrls) ?? '/';
      const host = path !== '/' ? hostMount(ctrls) : undefined;
      if (host) bindHostCgroup(host, path, rootfd, sub, flags);
      else {
        try {
          mount('cgroup', fdPath(sfd), 'cgroup', flags, ctrls.startsWith('name=') ? `none,${ctrls}` : ctrls, sub);
        } catch (e) {
          // In a user namespace a fresh v1 mount is refused: bind the host's hierarchy instead.
          if (!(e instanceof SysError && e.code === 'EPERM')) throw e;
          bindHostCgroup(hostMount(ctrls), path, rootfd, sub, flags);
        }
      }
    } finally {
      closeSync(sfd);
    }
    // cpu,cpuacct is also reachable as cpu and cpuacct.
    if (name.includes(',')) {
      const dfd = openInRoot(rootfd, dest, C.O_PATH | C.O_DIRECTORY);
      for (const alias of name.split(',')) libc().symlinkat(name, dfd, alias);
      closeSync(dfd);
    }
  }
  if (flags & C.MS_RDONLY) {
    const top = openInRoot(rootfd, dest, C.O_PATH);
    try {
      mount(null, fdPath(top), null, C.MS_REMOUNT | C.MS_BIND | C.MS_RDONLY | (flags & (C.MS_NOSUID | C.MS_NODEV | C.MS_NOEXEC)), null, dest);
    } finally {
      closeSync(top);
    }
  }
}

/** Where the host mounts the hierarchy of `ctrls` ('' for cgroup2), from our (copied) mount table. */
function hostMount(ctrls: string): string | undefined {
  const want = ctrls.split(',').filter(Boolean);
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post) continue;
    const f = pre.split(' ');
    const [fstype, , superOpts] = post.split(' ');
    if (f[3] !== '/') continue;
    if (ctrls === '' && fstype === 'cgroup2') return f[4];
    if (ctrls !== '' && fstype === 'cgroup' && want.every((c) => superOpts.split(',').includes(c))) return f[4];
  }
  return undefined;
}

function bindHostCgroup(mountpoint: string | undefined, path: string, rootfd: number, dest: string, flags: number): void {
  if (!mountpoint) throw new Error(`cgroup hierarchy for \`${dest}\` is not mounted on the host`);
  const fd = mkdirAllInRoot(rootfd, dest);
  try {
    checkDestination(fd, dest);
    mount(posix.join(mountpoint, path), fdPath(fd), null, C.MS_BIND | C.MS_REC, null, dest);
  } finally {
    closeSync(fd);
  }
  const keep = flags & (C.MS_RDONLY | C.MS_NOSUID | C.MS_NODEV | C.MS_NOEXEC);
  if (!keep) return;
  // The fd above is the directory under the new mount: remount through a fresh one.
  const top = openInRoot(rootfd, dest, C.O_PATH);
  try {
    mount(null, fdPath(top), null, C.MS_BIND | C.MS_REMOUNT | keep, null, dest);
  } finally {
    closeSync(top);
  }
}
