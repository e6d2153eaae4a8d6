// v2 cpu controller: shares become cpu.weight (the 2..262144 range mapped
// linearly onto 1..10000, as runc and crun do so the same config gives the
// same weight everywhere), quota/period become cpu.max. The realtime budget
// has no v2 file.
import { CgroupError, ptr, wrongVersion } from '../errors';
import { readKeyed, tryRead, writeKnob } from '../fsio';
import { firstSet, type Controller } from '../controller';

export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

export const cpuV2: Controller = {
  name: 'cpu',
  wanted: (r) => firstSet(ptr('cpu'), r.cpu, ['shares', 'quota', 'period', 'burst', 'realtimeRuntime', 'realtimePeriod', 'idle']),
  apply(dir, r) {
    const c = r.cpu;
    if (!c) return;
    if (c.realtimeRuntime !== undefined) throw wrongVersion(ptr('cpu', 'realtimeRuntime'), 'cpu.rt_runtime_us', 'v2');
    if (c.realtimePeriod !== undefined) throw wrongVersion(ptr('cpu', 'realtimePeriod'), 'cpu.rt_period_us', 'v2');
    if (c.shares !== undefined) {
      if (c.shares < 2 || c.shares > 262144) throw new CgroupError(`shares ${c.shares} must be between 2 and 262144`, ptr('cpu', 'shares'));
      writeKnob(dir, 'cpu.weight', sharesToWeight(c.shares), ptr('cpu', 'shares'));
    }
    if (c.quota !== undefined || c.period !== undefined) {
      // cpu.max takes both; keep whichever half the config leaves out.
      const [curQuota, curPeriod] = (tryRead(dir, 'cpu.max') ?? 'max 100000').split(' ');
      const quota = c.quota === undefined ? curQuota : c.quota <= 0 ? 'max' : String(c.quota);
      const period = c.period === undefined ? curPeriod : String(c.period);
      writeKnob(dir, 'cpu.max', `${quota} ${period}`, ptr('cpu', c.quota !== undefined ? 'quota' : 'period'));
    }
    if (c.burst !== undefined) writeKnob(dir, 'cpu.max.burst', c.burst, ptr('cpu', 'burst'));
    if (c.idle !== undefined) writeKnob(dir, 'cpu.idle', c.idle, ptr('cpu', 'idle'));
  },
  stats(dir, into) {
    const s = readKeyed(dir, 'cpu.stat');
    into.cpu = {
      usage: { total: (s.usage_usec ?? 0) * 1000, kernel: (s.system_usec ?? 0) * 1000, user: (s.user_usec ?? 0) * 1000 },
      throttling: { periods: s.nr_periods ?? 0, throttledPeriods: s.nr_throttled ?? 0, throttledTime: (s.throttled_usec ?? 0) * 1000 },
    };
  },
};
