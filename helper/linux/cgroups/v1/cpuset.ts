// v1 cpuset controller. A new v1 cpuset starts with empty cpus and mems, and
// the kernel refuses to add a process to it (ENOSPC), so init() copies the
// parent's values down first — for every level the runtime created.
import { dirname } from 'node:path';
import { ptr } from '../errors';
import { tryRead, writeKnob } from '../fsio';
import { firstSet, type Controller } from '../controller';

export const cpusetV1: Controller = {
  name: 'cpuset',
  wanted: (r) => firstSet(ptr('cpu'), r.cpu, ['cpus', 'mems']),
  init(dir) {
    fillFromParent(dir);
  },
  apply(dir, r) {
    if (r.cpu?.cpus) writeKnob(dir, 'cpuset.cpus', r.cpu.cpus, ptr('cpu', 'cpus'));
    if (r.cpu?.mems) writeKnob(dir, 'cpuset.mems', r.cpu.mems, ptr('cpu', 'mems'));
  },
};

function fillFromParent(dir: string): void {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    if (tryRead(dir, file) !== '') continue;
    const parent = dirname(dir);
    if (tryRead(parent, file) === '') fillFromParent(parent);
    writeKnob(dir, file, tryRead(parent, file) ?? '');
  }
}
