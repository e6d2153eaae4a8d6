// Facts about this host that decide how a runtime must be called.
import { readFileSync } from 'node:fs';

/**
 * True when the cgroup2 mount of a hybrid layout holds a controller (on
 * these machines: hugetlb, with every other controller on v1). crun 1.8
 * refuses every container on such a host, so crun is run through
 * hide-cgroup2-shim.sh there.
 */
export function cgroup2HoldsControllers(): boolean {
  try {
    return readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim() !== '';
  } catch {
    return false;
  }
}
