// v1 net_cls and net_prio: the class id tagged on the container's packets and
// per-interface priorities. cgroup v2 has neither (eBPF replaces them).
import { ptr } from '../errors';
import { writeKnob } from '../fsio';
import type { Controller } from '../controller';

export const netClsV1: Controller = {
  name: 'net_cls',
  wanted: (r) => (r.network?.classID !== undefined ? ptr('network', 'classID') : undefined),
  apply(dir, r) {
    if (r.network?.classID !== undefined) writeKnob(dir, 'net_cls.classid', r.network.classID, ptr('network', 'classID'));
  },
};

export const netPrioV1: Controller = {
  name: 'net_prio',
  wanted: (r) => (r.network?.priorities?.length ? ptr('network', 'priorities') : undefined),
  apply(dir, r) {
    r.network?.priorities?.forEach((p, i) => writeKnob(dir, 'net_prio.ifpriomap', `${p.name} ${p.priority}`, ptr('network', 'priorities', i)));
  },
};
