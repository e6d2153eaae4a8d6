// v1 cpuacct controller: accounting only, nothing to set.
import { readKeyed, readNumber, tryRead } from '../fsio';
import type { Controller } from '../controller';

/** USER_HZ: cpuacct.stat counts clock ticks. */
const TICK_NS = 1e9 / 100;

export const cpuacctV1: Controller = {
  name: 'cpuacct',
  wanted: () => undefined,
  apply() {},
  stats(dir, into) {
    const st = readKeyed(dir, 'cpuacct.stat');
    into.cpu ??= { usage: { total: 0, kernel: 0, user: 0 }, throttling: { periods: 0, throttledPeriods: 0, throttledTime: 0 } };
    into.cpu.usage = {
      total: readNumber(dir, 'cpuacct.usage') ?? 0,
      percpu: (tryRead(dir, 'cpuacct.usage_percpu') ?? '').split(/\s+/).filter(Boolean).map(Number),
      kernel: (st.system ?? 0) * TICK_NS,
      user: (st.user ?? 0) * TICK_NS,
    };
  },
};
