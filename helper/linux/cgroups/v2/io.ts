// v2 io controller: blkio weights (10..1000) map onto io.weight (1..10000),
// per-device weights go to io.weight too, throttles to io.max. leafWeight
// has no v2 counterpart.
import { CgroupError, ptr, wrongVersion } from '../errors';
import { hasKnob, tryRead, writeKnob } from '../fsio';
import { firstSet, type Controller } from '../controller';
import type { BlkioEntry } from '../types';

export function blkioToIoWeight(w: number): number {
  return 1 + Math.floor(((w - 10) * 9999) / 990);
}

const THROTTLES = [
  ['throttleReadBpsDevice', 'rbps'],
  ['throttleWriteBpsDevice', 'wbps'],
  ['throttleReadIOPSDevice', 'riops'],
  ['throttleWriteIOPSDevice', 'wiops'],
] as const;

export const ioV2: Controller = {
  name: 'io',
  wanted: (r) => firstSet(ptr('blockIO'), r.blockIO),
  apply(dir, r) {
    const b = r.blockIO;
    if (!b) return;
    if (b.leafWeight !== undefined) throw wrongVersion(ptr('blockIO', 'leafWeight'), 'blkio.leaf_weight', 'v2');
    const weightFile = hasKnob(dir, 'io.weight') ? 'io.weight' : hasKnob(dir, 'io.bfq.weight') ? 'io.bfq.weight' : undefined;
    const weight = (w: number, p: string) => {
      if (w < 10 || w > 1000) throw new CgroupError(`weight ${w} must be between 10 and 1000`, p);
      if (!weightFile) throw new CgroupError('this host has no io weight file (no device uses an I/O scheduler with weights)', p);
      return weightFile === 'io.weight' ? blkioToIoWeight(w) : w;
    };
    if (b.weight !== undefined) writeKnob(dir, weightFile ?? 'io.weight', `default ${weight(b.weight, ptr('blockIO', 'weight'))}`, ptr('blockIO', 'weight'));
    b.weightDevice?.forEach((d, i) => {
      const p = ptr('blockIO', 'weightDevice', i);
      if (d.leafWeight !== undefined) throw wrongVersion(`${p}/leafWeight`, 'blkio.leaf_weight_device', 'v2');
      if (d.weight !== undefined) writeKnob(dir, weightFile ?? 'io.weight', `${d.major}:${d.minor} ${weight(d.weight, `${p}/weight`)}`, `${p}/weight`);
    });
    for (const [field, key] of THROTTLES) {
      b[field]?.forEach((d, i) => writeKnob(dir, 'io.max', `${d.major}:${d.minor} ${key}=${d.rate === 0 ? 'max' : d.rate}`, ptr('blockIO', field, i)));
    }
  },
  stats(dir, into) {
    const bytes: BlkioEntry[] = [];
    const ios: BlkioEntry[] = [];
    for (const line of (tryRead(dir, 'io.stat') ?? '').split('\n')) {
      const [dev, ...kv] = line.trim().split(/\s+/);
      const m = /^(\d+):(\d+)$/.exec(dev ?? '');
      if (!m) continue;
      for (const pair of kv) {
        const [k, v] = pair.split('=');
        const e = { major: +m[1], minor: +m[2], value: +v };
        if (k === 'rbytes') bytes.push({ ...e, op: 'Read' });
        if (k === 'wbytes') bytes.push({ ...e, op: 'Write' });
        if (k === 'rios') ios.push({ ...e, op: 'Read' });
        if (k === 'wios') ios.push({ ...e, op: 'Write' });
      }
    }
    into.blkio = { ioServiceBytesRecursive: bytes, ioServicedRecursive: ios };
  },
};
