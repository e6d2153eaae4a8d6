// The cgroup2 controllers this runtime drives, by controller name ("" for
// the core files every cgroup has).
import type { Device } from '../../../spec/types';
import type { Controller } from '../controller';
import { hugetlbController } from '../hugetlb';
import { rdmaController } from '../rdma';
import { pidsController } from '../pids';
import { cpuV2 } from './cpu';
import { cpusetV2 } from './cpuset';
import { devicesV2 } from './devices';
import { ioV2 } from './io';
import { memoryV2 } from './memory';
import { unifiedV2 } from './unified';
import { networkV2 } from './v1only';

export function v2Controllers(linuxDevices: Device[] | undefined): Controller[] {
  return [cpusetV2, cpuV2, memoryV2, pidsController(), ioV2, hugetlbController('v2'), rdmaController, networkV2, devicesV2(linuxDevices), unifiedV2];
}

/** Controllers that need no entry in cgroup.controllers (core files, eBPF, and the v1-only error stubs). */
export const ALWAYS_AVAILABLE = new Set(['', 'devices', 'network']);
