// The kernel's list format for CPUs and NUMA nodes ("0-3,7"), as used by
// execCPUAffinity and memoryPolicy.nodes, and its bitmask form for the
// syscalls that take one (an array of unsigned longs, bit n = item n).

/** Largest CPU or node number accepted: masks are this many bits. */
export const MASK_BITS = 1024;

/** Parses "0-3, 7" into [0,1,2,3,7]; throws naming the bad part. */
export function parseList(text: string): number[] {
  const out = new Set<number>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) throw new Error(`\`${part}\` is not a number or a range like 0-3`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new Error(`range \`${part}\` ends before it starts`);
    if (hi >= MASK_BITS) throw new Error(`\`${part}\` is beyond ${MASK_BITS - 1}`);
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** The bitmask the kernel reads for `items`: MASK_BITS bits, little-endian longs. */
export function toMask(items: number[]): Buffer {
  const buf = Buffer.alloc(MASK_BITS / 8);
  for (const i of items) buf[i >> 3] |= 1 << (i & 7);
  return buf;
}
