// Facts about this host that decide how a runtime must be called.
import { readFileSync, writeFileSync } from 'node:fs';

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

/**
 * crun's exec_write_pid_file accepts a pid file only if it holds five digits
 * (`\d{5}`), so on a freshly booted machine, where pids are still below
 * 10000, it fails for every runtime. Moving the kernel's pid counter past
 * 10000 (root may write ns_last_pid in the initial pid namespace) changes
 * nothing else: pids are still handed out in order, just from there on.
 * Returns the counter as it was, for the log.
 */
export function pidsHaveFiveDigits(): number | undefined {
  const last = Number(readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8'));
  if (last >= 10_000) return undefined;
  writeFileSync('/proc/sys/kernel/ns_last_pid', '10000');
  return last;
}
