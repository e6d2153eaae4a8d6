// The v1 controllers this runtime drives, by subsystem name.
import type { Device } from '../../../spec/types';
import type { Controller } from '../controller';
import { hugetlbController } from '../hugetlb';
import { rdmaController } from '../rdma';
import { blkioV1 } from './blkio';
import { cpuV1 } from './cpu';
import { cpuacctV1 } from './cpuacct';
import { cpusetV1 } from './cpuset';
import { devicesV1 } from './devices';
import { memoryV1 } from './memory';
import { netClsV1, netPrioV1 } from './network';
import { pidsV1 } from '../pids';

export function v1Controllers(linuxDevices: Device[] | undefined): Controller[] {
  return [cpusetV1, cpuV1, cpuacctV1, memoryV1, pidsV1, blkioV1, hugetlbController('v1'), netClsV1, netPrioV1, rdmaController, devicesV1(linuxDevices)];
}
