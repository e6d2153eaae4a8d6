// v1 cpu controller: CFS shares, quota/period/burst, realtime budget, idle.
// Period goes before quota so a quota valid only for the new period is accepted.
import { CgroupError, ptr } from '../errors';
import { readKeyed, writeKnob } from '../fsio';
import { firstSet, type Controller } from '../controller';

export const cpuV1: Controller = {
  name: 'cpu',
  wanted: (r) => firstSet(ptr('cpu'), r.cpu, ['shares', 'quota', 'period', 'burst', 'realtimeRuntime', 'realtimePeriod', 'idle']),
  apply(dir, r) {
    const c = r.cpu;
    if (!c) return;
    if (c.shares !== undefined) {
      if (c.shares < 2) throw new CgroupError(`shares ${c.shares} must be at least 2`, ptr('cpu', 'shares'));
      writeKnob(dir, 'cpu.shares', c.shares, ptr('cpu', 'shares'));
    }
    if (c.period !== undefined) writeKnob(dir, 'cpu.cfs_period_us', c.period, ptr('cpu', 'period'));
    if (c.quota !== undefined) writeKnob(dir, 'cpu.cfs_quota_us', c.quota, ptr('cpu', 'quota'));
    if (c.burst !== undefined) writeKnob(dir, 'cpu.cfs_burst_us', c.burst, ptr('cpu', 'burst'));
    // The realtime period must be set before a runtime that only fits in it.
    if (c.realtimePeriod !== undefined) writeKnob(dir, 'cpu.rt_period_us', c.realtimePeriod, ptr('cpu', 'realtimePeriod'));
    if (c.realtimeRuntime !== undefined) writeKnob(dir, 'cpu.rt_runtime_us', c.realtimeRuntime, ptr('cpu', 'realtimeRuntime'));
    if (c.idle !== undefined) writeKnob(dir, 'cpu.idle', c.idle, ptr('cpu', 'idle'));
  },
  stats(dir, into) {
    const s = readKeyed(dir, 'cpu.stat');
    into.cpu ??= { usage: { total: 0, kernel: 0, user: 0 }, throttling: { periods: 0, throttledPeriods: 0, throttledTime: 0 } };
    into.cpu.throttling = { periods: s.nr_periods ?? 0, throttledPeriods: s.nr_throttled ?? 0, throttledTime: s.throttled_time ?? 0 };
  },
};
