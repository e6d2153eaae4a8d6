// linux.memoryPolicy through set_mempolicy(2): the NUMA policy of the calling
// thread, kept across execve and inherited by the container's children.
import { check, libc } from '../libc';
import { MASK_BITS, parseList, toMask } from '../cpulist';

const SYS_set_mempolicy = 238;

export const MPOL_MODES: Record<string, number> = {
  MPOL_DEFAULT: 0, MPOL_PREFERRED: 1, MPOL_BIND: 2, MPOL_INTERLEAVE: 3, MPOL_LOCAL: 4, MPOL_PREFERRED_MANY: 5, MPOL_WEIGHTED_INTERLEAVE: 6,
};

export const MPOL_FLAGS: Record<string, number> = {
  MPOL_F_NUMA_BALANCING: 1 << 13, MPOL_F_RELATIVE_NODES: 1 << 14, MPOL_F_STATIC_NODES: 1 << 15,
};

/** Modes that take no node list (the kernel wants an empty mask). */
export const MODES_WITHOUT_NODES = new Set(['MPOL_DEFAULT', 'MPOL_LOCAL']);

export interface MemoryPolicy {
  mode: string;
  nodes?: string;
  flags?: string[];
}

export function setMemoryPolicy(p: MemoryPolicy): void {
  const mode = MPOL_MODES[p.mode];
  if (mode === undefined) throw new Error(`unknown memory policy mode \`${p.mode}\``);
  let flags = 0;
  for (const f of p.flags ?? []) {
    const bit = MPOL_FLAGS[f];
    if (bit === undefined) throw new Error(`unknown memory policy flag \`${f}\``);
    flags |= bit;
  }
  const nodes = parseList(p.nodes ?? '');
  // The kernel reads maxnode-1 bits (a historical off-by-one every caller pays).
  const [mask, maxnode] = nodes.length ? [toMask(nodes), MASK_BITS + 1] : [null, 0];
  check(libc().syscall(SYS_set_mempolicy, 'int', mode | flags, 'void *', mask, 'ulong', maxnode), 'set_mempolicy', `${p.mode}${p.nodes ? ` ${p.nodes}` : ''}`);
}
