// hugetlb controller, both versions: v1 names the file limit_in_bytes, v2
// names it max. Page sizes are spelled as the kernel does ("2MB", "1GB").
import { readdirSync } from 'node:fs';
import { CgroupError, ptr } from './errors';
import { readNumber, writeKnob } from './fsio';
import type { Controller } from './controller';

/** Page sizes this host offers, in the kernel's spelling. */
export function hostPageSizes(): string[] {
  try {
    return readdirSync('/sys/kernel/mm/hugepages').map((d) => formatSize(Number(/hugepages-(\d+)kB/.exec(d)?.[1] ?? 0) * 1024));
  } catch {
    return [];
  }
}

function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return `${bytes}${units[i]}`;
}

export const hugetlbController = (version: 'v1' | 'v2'): Controller => {
  const limitFile = (size: string) => `hugetlb.${size}.${version === 'v1' ? 'limit_in_bytes' : 'max'}`;
  return {
    name: 'hugetlb',
    wanted: (r) => (r.hugepageLimits?.length ? ptr('hugepageLimits', 0) : undefined),
    apply(dir, r) {
      const sizes = hostPageSizes();
      r.hugepageLimits?.forEach((h, i) => {
        if (!sizes.includes(h.pageSize)) throw new CgroupError(`page size ${JSON.stringify(h.pageSize)} is not offered by this host (it has ${sizes.join(', ') || 'none'})`, ptr('hugepageLimits', i, 'pageSize'));
        writeKnob(dir, limitFile(h.pageSize), h.limit, ptr('hugepageLimits', i, 'limit'));
      });
    },
    stats(dir, into) {
      into.hugetlb = {};
      for (const size of hostPageSizes()) {
        const usage = readNumber(dir, version === 'v1' ? `hugetlb.${size}.usage_in_bytes` : `hugetlb.${size}.current`);
        if (usage === undefined) continue;
        into.hugetlb[size] = {
          usage,
          max: version === 'v1' ? readNumber(dir, `hugetlb.${size}.max_usage_in_bytes`) ?? 0 : 0,
          failcnt: version === 'v1' ? readNumber(dir, `hugetlb.${size}.failcnt`) ?? 0 : 0,
        };
      }
    },
  };
};
