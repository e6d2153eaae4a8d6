// Which cgroup layout the host has, found at run time: v1 (one hierarchy per
// controller, or a few co-mounted), v2 (one unified hierarchy) or hybrid (v1
// controllers plus a cgroup2 mount with no controllers of its own, as on
// this machine: /sys/fs/cgroup/unified). Read from /proc/self/mountinfo so a
// non-standard mount point still works.
import { readFileSync } from 'node:fs';
import type { CgroupMode } from './types';

export interface Layout {
  mode: CgroupMode;
  /** v1 controller → its mount (root inside the hierarchy and mount point). Named hierarchies (name=systemd) are left out. */
  v1: Map<string, { mountpoint: string; root: string }>;
  unified?: { mountpoint: string; root: string };
}

const V1_CONTROLLERS = new Set(['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'hugetlb', 'net_cls', 'net_prio', 'perf_event', 'rdma', 'misc']);

let cached: Layout | undefined;

export function detectLayout(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): Layout {
  const v1 = new Map<string, { mountpoint: string; root: string }>();
  let unified: Layout['unified'];
  for (const line of mountinfo.split('\n')) {
    // fields: id parent major:minor root mountpoint options [optional…] - fstype source superoptions
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const l = left.split(' ');
    const [fstype, , superopts = ''] = right.split(' ');
    const root = unescape(l[3]);
    const mountpoint = unescape(l[4]);
    if (fstype === 'cgroup2') {
      // The first cgroup2 mount wins; later ones are usually bind copies.
      unified ??= { mountpoint, root };
    } else if (fstype === 'cgroup') {
      for (const opt of superopts.split(',')) if (V1_CONTROLLERS.has(opt) && !v1.has(opt)) v1.set(opt, { mountpoint, root });
    }
  }
  const mode: CgroupMode = v1.size === 0 ? 'v2' : unified ? 'hybrid' : 'v1';
  return { mode, v1, unified };
}

/** The host layout, read once per process. */
export function hostLayout(): Layout {
  cached ??= detectLayout();
  return cached;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
