// v1 memory controller. OCI's `swap` is memory+swap (memory.memsw), so when
// both change the larger must be written in the order that keeps
// limit <= memsw at every step, or the kernel says EINVAL.
import type { Resources } from '../../../spec/types';
import { CgroupError, ptr } from '../errors';
import { hasKnob, readKeyed, readNumber, writeKnob } from '../fsio';
import { firstSet, type ApplyContext, type Controller } from '../controller';
import type { CgroupStats, MemoryEntry } from '../types';

const UNLIMITED = -1;

export const memoryV1: Controller = {
  name: 'memory',
  wanted: (r) => firstSet(ptr('memory'), r.memory, ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP', 'swappiness', 'disableOOMKiller', 'useHierarchy']),
  apply(dir: string, r: Resources, ctx: ApplyContext) {
    const m = r.memory;
    if (!m) return;
    if (m.limit !== undefined && m.limit !== UNLIMITED && m.limit < 0) throw new CgroupError(`limit ${m.limit} must be -1 (unlimited) or a byte count`, ptr('memory', 'limit'));
    if (m.checkBeforeUpdate && ctx.update && m.limit !== undefined && m.limit !== UNLIMITED) {
      const usage = readNumber(dir, 'memory.usage_in_bytes') ?? 0;
      if (m.limit < usage) throw new CgroupError(`new limit ${m.limit} is below current usage ${usage} (checkBeforeUpdate is set)`, ptr('memory', 'limit'));
    }
    setLimitAndSwap(dir, m.limit, m.swap);
    if (m.reservation !== undefined) writeKnob(dir, 'memory.soft_limit_in_bytes', m.reservation, ptr('memory', 'reservation'));
    if (m.kernel !== undefined) ctx.warn(`${ptr('memory', 'kernel')}: kernel memory limits are deprecated and ignored (the kernel no longer enforces them)`);
    if (m.kernelTCP !== undefined) writeKnob(dir, 'memory.kmem.tcp.limit_in_bytes', m.kernelTCP, ptr('memory', 'kernelTCP'));
    if (m.swappiness !== undefined) {
      if (m.swappiness < 0 || m.swappiness > 100) throw new CgroupError(`swappiness ${m.swappiness} must be between 0 and 100`, ptr('memory', 'swappiness'));
      writeKnob(dir, 'memory.swappiness', m.swappiness, ptr('memory', 'swappiness'));
    }
    if (m.disableOOMKiller !== undefined) writeKnob(dir, 'memory.oom_control', m.disableOOMKiller ? 1 : 0, ptr('memory', 'disableOOMKiller'));
    if (m.useHierarchy !== undefined) {
      const cur = readNumber(dir, 'memory.use_hierarchy');
      // Kernels since 5.x are always hierarchical and refuse 0; writing what is already there is fine.
      if (cur !== (m.useHierarchy ? 1 : 0)) writeKnob(dir, 'memory.use_hierarchy', m.useHierarchy ? 1 : 0, ptr('memory', 'useHierarchy'));
    }
  },
  stats(dir, into: CgroupStats) {
    const raw = readKeyed(dir, 'memory.stat');
    const entry = (prefix: string): MemoryEntry | undefined =>
      hasKnob(dir, `${prefix}.usage_in_bytes`)
        ? {
            limit: readNumber(dir, `${prefix}.limit_in_bytes`) ?? 0,
            usage: readNumber(dir, `${prefix}.usage_in_bytes`) ?? 0,
            max: readNumber(dir, `${prefix}.max_usage_in_bytes`) ?? 0,
            failcnt: readNumber(dir, `${prefix}.failcnt`) ?? 0,
          }
        : undefined;
    into.memory = {
      cache: raw.total_cache ?? raw.cache,
      usage: entry('memory') ?? { limit: 0, usage: 0, failcnt: 0 },
      swap: entry('memory.memsw'),
      kernel: entry('memory.kmem'),
      raw,
    };
  },
};

function setLimitAndSwap(dir: string, limit: number | undefined, swap: number | undefined): void {
  const hasSwap = hasKnob(dir, 'memory.memsw.limit_in_bytes');
  if (swap !== undefined && !hasSwap) {
    // Without swap accounting the kernel has no memsw file; unlimited asks nothing of it.
    if (swap === UNLIMITED || swap === limit) swap = undefined;
    else throw new CgroupError('swap limits need swap accounting, which this kernel lacks (memory.memsw.limit_in_bytes is missing)', ptr('memory', 'swap'));
  }
  if (swap !== undefined && limit !== undefined && limit !== UNLIMITED && swap !== UNLIMITED && swap < limit) {
    throw new CgroupError(`swap ${swap} (memory+swap) must be at least the memory limit ${limit}`, ptr('memory', 'swap'));
  }
  const lim = (v: number) => (v === UNLIMITED ? -1 : v);
  if (swap === undefined) {
    if (limit === undefined) return;
    const memsw = hasSwap ? readNumber(dir, 'memory.memsw.limit_in_bytes') : undefined;
    // The kernel's EINVAL would not say why: the memory limit may never exceed memory+swap.
    if (memsw !== undefined && (limit === UNLIMITED ? memsw < Number.MAX_SAFE_INTEGER : limit > memsw)) {
      throw new CgroupError(`limit ${limit} is above the current memory+swap limit ${memsw}; set swap as well`, ptr('memory', 'limit'));
    }
    writeKnob(dir, 'memory.limit_in_bytes', lim(limit), ptr('memory', 'limit'));
    return;
  }
  // Raising: memsw first; lowering: limit first. Unlimited counts as the largest.
  const curMemsw = readNumber(dir, 'memory.memsw.limit_in_bytes') ?? Number.MAX_SAFE_INTEGER;
  const raising = swap === UNLIMITED || swap > curMemsw;
  if (raising) {
    writeKnob(dir, 'memory.memsw.limit_in_bytes', lim(swap), ptr('memory', 'swap'));
    if (limit !== undefined) writeKnob(dir, 'memory.limit_in_bytes', lim(limit), ptr('memory', 'limit'));
  } else {
    if (limit !== undefined) writeKnob(dir, 'memory.limit_in_bytes', lim(limit), ptr('memory', 'limit'));
    writeKnob(dir, 'memory.memsw.limit_in_bytes', lim(swap), ptr('memory', 'swap'));
  }
}
