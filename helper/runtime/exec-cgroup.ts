// Which cgroups an exec'd process joins: exactly those of the container's
// init, read from /proc/<init>/cgroup (so it works whatever created them and
// whether or not the state file recorded them), as cgroup.procs files under
// this host's mounts. The stage writes itself into them late, just before it
// joins the namespaces, so Node's own start-up memory is not charged to the
// container (charges stay where they were made).
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { hostLayout } from '../linux/cgroups';

export function initCgroupProcs(initPid: number): string[] {
  const layout = hostLayout();
  const out = new Set<string>();
  for (const line of readFileSync(`/proc/${initPid}/cgroup`, 'utf8').split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, hid, ctrls, path] = m;
    const mount = hid === '0' && ctrls === '' ? layout.unified : ctrls.split(',').map((c) => layout.v1.get(c)).find(Boolean);
    if (!mount) continue; // a named hierarchy (name=systemd) or one not mounted here
    let rel = path;
    if (mount.root !== '/' && (path === mount.root || path.startsWith(mount.root + '/'))) rel = path.slice(mount.root.length) || '/';
    out.add(posix.join(mount.mountpoint, rel, 'cgroup.procs'));
  }
  return [...out];
}
