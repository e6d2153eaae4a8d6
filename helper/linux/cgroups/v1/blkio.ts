// v1 blkio controller: weights (CFQ's blkio.weight, or BFQ's blkio.bfq.weight
// on kernels that dropped CFQ) and per-device throttles.
import type { Resources } from '../../../spec/types';
import { CgroupError, ptr } from '../errors';
import { hasKnob, tryRead, writeKnob } from '../fsio';
import { firstSet, type Controller } from '../controller';
import type { BlkioEntry } from '../types';

const THROTTLES = [
  ['throttleReadBpsDevice', 'blkio.throttle.read_bps_device'],
  ['throttleWriteBpsDevice', 'blkio.throttle.write_bps_device'],
  ['throttleReadIOPSDevice', 'blkio.throttle.read_iops_device'],
  ['throttleWriteIOPSDevice', 'blkio.throttle.write_iops_device'],
] as const;

export const blkioV1: Controller = {
  name: 'blkio',
  wanted: (r) => firstSet(ptr('blockIO'), r.blockIO),
  apply(dir, r: Resources) {
    const b = r.blockIO;
    if (!b) return;
    const weightFile = hasKnob(dir, 'blkio.weight') ? 'blkio.weight' : hasKnob(dir, 'blkio.bfq.weight') ? 'blkio.bfq.weight' : undefined;
    const noWeight = (p: string) => new CgroupError('this host has no blkio weight file (neither CFQ nor BFQ is the I/O scheduler of any device)', p);
    if (b.weight !== undefined) {
      if (!weightFile) throw noWeight(ptr('blockIO', 'weight'));
      writeKnob(dir, weightFile, b.weight, ptr('blockIO', 'weight'));
    }
    if (b.leafWeight !== undefined) {
      if (!hasKnob(dir, 'blkio.leaf_weight')) throw new CgroupError('blkio.leaf_weight is missing on this kernel (CFQ was removed in 5.0)', ptr('blockIO', 'leafWeight'));
      writeKnob(dir, 'blkio.leaf_weight', b.leafWeight, ptr('blockIO', 'leafWeight'));
    }
    b.weightDevice?.forEach((d, i) => {
      const p = ptr('blockIO', 'weightDevice', i);
      if (d.weight !== undefined) {
        if (!weightFile) throw noWeight(`${p}/weight`);
        writeKnob(dir, weightFile === 'blkio.weight' ? 'blkio.weight_device' : weightFile, `${d.major}:${d.minor} ${d.weight}`, `${p}/weight`);
      }
      if (d.leafWeight !== undefined) writeKnob(dir, 'blkio.leaf_weight_device', `${d.major}:${d.minor} ${d.leafWeight}`, `${p}/leafWeight`);
    });
    for (const [field, file] of THROTTLES) {
      b[field]?.forEach((d, i) => writeKnob(dir, file, `${d.major}:${d.minor} ${d.rate}`, ptr('blockIO', field, i)));
    }
  },
  stats(dir, into) {
    into.blkio = {
      ioServiceBytesRecursive: readBlkio(dir, 'blkio.throttle.io_service_bytes_recursive'),
      ioServicedRecursive: readBlkio(dir, 'blkio.throttle.io_serviced_recursive'),
    };
  },
};

/** "8:0 Read 4096" lines; the trailing "Total N" line is skipped. */
function readBlkio(dir: string, file: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (tryRead(dir, file) ?? '').split('\n')) {
    const m = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (m) out.push({ major: +m[1], minor: +m[2], op: m[3], value: +m[4] });
  }
  return out;
}
