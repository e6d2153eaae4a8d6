// The data the cgroup layer hands to the runtime: a handle over the
// container's cgroup, whatever the host's layout, and the serialisable form
// of it kept in the container's state file.
import type { Resources } from '../../spec/types';

/** How the host mounts cgroups, decided at run time from /proc/self/mountinfo. */
export type CgroupMode = 'v1' | 'v2' | 'hybrid';

/**
 * Where a container's cgroup lives. `v1` maps each v1 controller (cpu,
 * memory, …) to its absolute directory; `unified` is the directory in the
 * cgroup2 hierarchy (the only one on v2; on hybrid hosts the process joins it
 * too, as runc does, so cgroup2-only features such as eBPF device programs
 * and cgroup.kill can be used). Saved as-is in the state file.
 */
export interface SavedCgroup {
  mode: CgroupMode;
  /** The cgroup path inside each hierarchy, e.g. /berth/abc (after resolving relative and systemd forms). */
  path: string;
  v1: Record<string, string>;
  unified?: string;
}

/** runc-compatible statistics (the `data` of `runc events --stats`). */
export interface CgroupStats {
  cpu?: {
    usage: { total: number; percpu?: number[]; kernel: number; user: number };
    throttling: { periods: number; throttledPeriods: number; throttledTime: number };
  };
  memory?: {
    cache?: number;
    usage: MemoryEntry;
    swap?: MemoryEntry;
    kernel?: MemoryEntry;
    raw: Record<string, number>;
  };
  pids?: { current: number; limit: number };
  blkio?: {
    ioServiceBytesRecursive?: BlkioEntry[];
    ioServicedRecursive?: BlkioEntry[];
  };
  hugetlb?: Record<string, { usage: number; max: number; failcnt: number }>;
}

export interface MemoryEntry {
  limit: number;
  usage: number;
  max?: number;
  failcnt: number;
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface CgroupHandle {
  readonly paths: SavedCgroup;
  /** Moves a process (all its threads) into the cgroup; call before the process unshares its cgroup namespace. */
  addProcess(pid: number): void;
  /** Writes every resource set in `resources` (at create time). */
  apply(resources: Resources): void;
  /** Like apply, for `berth update`: honours memory.checkBeforeUpdate and orders memory/swap writes safely. */
  update(resources: Resources): void;
  freeze(): void;
  thaw(): void;
  isFrozen(): boolean;
  /** Pids of every process in the cgroup. */
  pids(): number[];
  stats(): CgroupStats;
  /** How many times the OOM killer has acted in this cgroup so far (re-read it on each watchOom() wake-up to report OOM events). */
  oomKills(): number;
  /** Sends `signal` to every process in the cgroup, freezing first so none can fork away. */
  killAll(signal: NodeJS.Signals | number): void;
  /** Thaws, kills what is left with SIGKILL, and removes the cgroup directories; retries while processes exit. */
  destroy(): void;
}
