// linux.resources.unified: raw cgroup2 file → value pairs, written as given.
// Only plain file names in this cgroup are accepted; the file must exist.
// Not the membership and kill files: written as root, cgroup.procs would pull
// any host process into the container's cgroup, where `delete` SIGKILLs it
// (berthd --strict let a member do that to any process); the runtime alone
// places and kills the container's processes.
import { CgroupError, ptr } from '../errors';
import { hasKnob, writeKnob } from '../fsio';
import type { Controller } from '../controller';

const REFUSED = new Set(['cgroup.procs', 'cgroup.threads', 'cgroup.kill']);

export const unifiedV2: Controller = {
  name: '',
  wanted: (r) => (r.unified && Object.keys(r.unified).length ? ptr('unified', Object.keys(r.unified)[0]) : undefined),
  apply(dir, r) {
    for (const [key, value] of Object.entries(r.unified ?? {})) {
      const p = ptr('unified', key);
      if (key.includes('/') || key.startsWith('.') || key === '') throw new CgroupError(`${JSON.stringify(key)} is not a cgroup file name`, p);
      if (REFUSED.has(key)) throw new CgroupError(`${key} is not a resource: the runtime alone puts processes in the container's cgroup and kills them`, p);
      if (!hasKnob(dir, key)) {
        const ctrl = key.split('.')[0];
        throw new CgroupError(`${key} does not exist in ${dir} (is the ${ctrl} controller enabled for this cgroup?)`, p);
      }
      writeKnob(dir, key, value, p);
    }
  },
};
