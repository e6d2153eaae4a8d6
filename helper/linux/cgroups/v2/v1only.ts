// Resources that exist only on cgroup v1 (net_cls, net_prio): on v2 they are
// an error naming the field, never silently dropped.
import { ptr, wrongVersion } from '../errors';
import type { Controller } from '../controller';

export const networkV2: Controller = {
  name: 'network',
  wanted: () => undefined,
  apply(_dir, r) {
    if (r.network?.classID !== undefined) throw wrongVersion(ptr('network', 'classID'), 'net_cls.classid', 'v2');
    if (r.network?.priorities?.length) throw wrongVersion(ptr('network', 'priorities'), 'net_prio.ifpriomap', 'v2');
  },
};
