// A `cgroup` mount: on cgroup v2 one cgroup2 mount; on v1 (and hybrid) a
// tmpfs with one cgroup mount per hierarchy the init belongs to, as runc
// lays it out. The init is already in its own cgroup namespace, so each
// hierarchy shows the container's cgroup as its root.
import { closeSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import * as C from '../linux/constants';
import { fdPath, mkdirAllInRoot, openInRoot } from '../linux/inroot';
import { libc } from '../linux/libc';
import { mount } from '../linux/mount';
import type { MountPlan } from '../linux/mountopts';

export function mountCgroups(rootfd: number, dest: string, plan: MountPlan): void {
  const flags = plan.flags & ~(C.MS_BIND | C.MS_REC | C.MS_REMOUNT);
  const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n').filter(Boolean);
  const v1 = lines.map((l) => l.split(':')[1]).filter((c) => c !== '');
  const fd = mkdirAllInRoot(rootfd, dest);
  try {
    if (v1.length === 0) {
      mount('cgroup2', fdPath(fd), 'cgroup2', flags, null, dest);
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
      mount('cgroup', fdPath(sfd), 'cgroup', flags, ctrls.startsWith('name=') ? `none,${ctrls}` : ctrls, sub);
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
