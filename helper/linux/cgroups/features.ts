// The linux.cgroup part of the features document (features.md), truthful for
// this host: each version counts only when this host mounts it (the code
// drives both), the systemd driver is never there (cgroupsPath in the
// systemd form is translated, see path.ts), rdma only with its controller.
import { tryRead } from './fsio';
import { hostLayout, type Layout } from './layout';

export interface CgroupFeatures {
  v1: boolean;
  v2: boolean;
  systemd: boolean;
  systemdUser: boolean;
  rdma: boolean;
}

export function cgroupFeatures(layout: Layout = hostLayout()): CgroupFeatures {
  const unifiedControllers = layout.unified ? (tryRead(layout.unified.mountpoint, 'cgroup.controllers') ?? '').split(/\s+/) : [];
  return {
    v1: layout.v1.size > 0,
    v2: layout.unified !== undefined,
    systemd: false,
    systemdUser: false,
    rdma: layout.v1.has('rdma') || unifiedControllers.includes('rdma'),
  };
}
