// v2 device control: cgroup2 has no devices files; the policy is an eBPF
// program attached to the cgroup. A new program is attached before the old
// ones are detached (BPF_F_ALLOW_MULTI), so an update never leaves a moment
// with no filter.
import { closeSync, constants, openSync } from 'node:fs';
import type { Device } from '../../../spec/types';
import { devicePolicy } from '../devices';
import { CgroupError, ptr } from '../errors';
import { compileDeviceProgram, encode } from '../bpf/devicefilter';
import { attachDeviceProgram, detachDeviceProgram, loadDeviceProgram, queryDevicePrograms } from '../bpf/syscall';
import type { Controller } from '../controller';

export const devicesV2 = (linuxDevices: Device[] | undefined): Controller => ({
  name: 'devices',
  wanted: (r) => (r.devices?.length ? ptr('devices', 0) : undefined),
  apply(dir, r) {
    if (!r.devices?.length) return;
    const program = encode(compileDeviceProgram(devicePolicy(r.devices, linuxDevices)));
    const cg = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      const old = queryDevicePrograms(cg);
      const prog = loadDeviceProgram(program);
      try {
        attachDeviceProgram(cg, prog);
      } finally {
        closeSync(prog);
      }
      for (const id of old) detachDeviceProgram(cg, id);
    } catch (e) {
      if (e instanceof CgroupError) throw new CgroupError(`eBPF device program for ${dir}: ${e.message}`, ptr('devices'), e.code);
      throw e;
    } finally {
      closeSync(cg);
    }
  },
});
