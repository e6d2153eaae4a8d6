// v2 cpuset controller: unlike v1, an empty cpuset.cpus means "inherit".
import { ptr } from '../errors';
import { writeKnob } from '../fsio';
import { firstSet, type Controller } from '../controller';

export const cpusetV2: Controller = {
  name: 'cpuset',
  wanted: (r) => firstSet(ptr('cpu'), r.cpu, ['cpus', 'mems']),
  apply(dir, r) {
    if (r.cpu?.cpus) writeKnob(dir, 'cpuset.cpus', r.cpu.cpus, ptr('cpu', 'cpus'));
    if (r.cpu?.mems) writeKnob(dir, 'cpuset.mems', r.cpu.mems, ptr('cpu', 'mems'));
  },
};
