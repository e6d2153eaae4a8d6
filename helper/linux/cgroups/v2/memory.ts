// v2 memory controller. OCI's `swap` is memory+swap; v2's memory.swap.max is
// swap alone, so it gets swap - limit. v1-only knobs are errors, not silently
// dropped, so the config's author learns they have no effect here.
import { CgroupError, ptr, wrongVersion } from '../errors';
import { hasKnob, readKeyed, readNumber, writeKnob } from '../fsio';
import { firstSet, type Controller } from '../controller';

const max = (v: number) => (v === -1 ? 'max' : v);

export const memoryV2: Controller = {
  name: 'memory',
  wanted: (r) => firstSet(ptr('memory'), r.memory, ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP', 'swappiness', 'disableOOMKiller', 'useHierarchy']),
  apply(dir, r, ctx) {
    const m = r.memory;
    if (!m) return;
    if (m.swappiness !== undefined) throw wrongVersion(ptr('memory', 'swappiness'), 'memory.swappiness', 'v2');
    if (m.disableOOMKiller) throw wrongVersion(ptr('memory', 'disableOOMKiller'), 'memory.oom_control', 'v2');
    if (m.useHierarchy === false) throw new CgroupError('cgroup v2 is always hierarchical; useHierarchy cannot be false', ptr('memory', 'useHierarchy'));
    if (m.kernelTCP !== undefined) throw wrongVersion(ptr('memory', 'kernelTCP'), 'memory.kmem.tcp.limit_in_bytes', 'v2');
    if (m.kernel !== undefined) ctx.warn(`${ptr('memory', 'kernel')}: kernel memory limits are deprecated and ignored on cgroup v2`);
    if (m.checkBeforeUpdate && ctx.update && m.limit !== undefined && m.limit !== -1) {
      const usage = readNumber(dir, 'memory.current') ?? 0;
      if (m.limit < usage) throw new CgroupError(`new limit ${m.limit} is below current usage ${usage} (checkBeforeUpdate is set)`, ptr('memory', 'limit'));
    }
    if (m.swap !== undefined) {
      let swapOnly: number | 'max';
      if (m.swap === -1) swapOnly = 'max';
      else if (m.limit === undefined || m.limit === -1) throw new CgroupError('a swap limit on cgroup v2 needs a memory limit too (OCI swap is memory+swap)', ptr('memory', 'swap'));
      else if (m.swap < m.limit) throw new CgroupError(`swap ${m.swap} (memory+swap) must be at least the memory limit ${m.limit}`, ptr('memory', 'swap'));
      else swapOnly = m.swap - m.limit;
      if (!hasKnob(dir, 'memory.swap.max')) {
        if (swapOnly !== 'max' && swapOnly !== 0) throw new CgroupError('swap limits need swap accounting, which this kernel lacks (memory.swap.max is missing)', ptr('memory', 'swap'));
      } else writeKnob(dir, 'memory.swap.max', swapOnly, ptr('memory', 'swap'));
    }
    if (m.limit !== undefined) writeKnob(dir, 'memory.max', max(m.limit), ptr('memory', 'limit'));
    if (m.reservation !== undefined) writeKnob(dir, 'memory.low', max(m.reservation), ptr('memory', 'reservation'));
  },
  stats(dir, into) {
    const raw = readKeyed(dir, 'memory.stat');
    into.memory = {
      cache: raw.file,
      usage: { limit: readNumber(dir, 'memory.max') ?? -1, usage: readNumber(dir, 'memory.current') ?? 0, max: readNumber(dir, 'memory.peak'), failcnt: readKeyed(dir, 'memory.events').max ?? 0 },
      swap: hasKnob(dir, 'memory.swap.current') ? { limit: readNumber(dir, 'memory.swap.max') ?? -1, usage: readNumber(dir, 'memory.swap.current') ?? 0, failcnt: readKeyed(dir, 'memory.swap.events').max ?? 0 } : undefined,
      raw,
    };
  },
};
