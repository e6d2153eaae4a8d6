// Cgroup values that contradict each other (runc's and youki's validators):
// a memory reservation above the limit, and memory+swap below memory.
import type { Finding } from '../finding';
import type { Fix } from '../fix';
import { obj, type Rule } from './rule';

const set = (v: unknown): v is number => typeof v === 'number' && v > 0;

export const memoryLimits: Rule = {
  codes: ['resources/reservation-above-limit', 'resources/swap-below-limit'],
  check({ config: c }) {
    const m = obj(c.linux?.resources?.memory);
    if (!m) return [];
    const out: Finding[] = [];
    if (set(m.limit) && set(m.reservation) && m.reservation > m.limit) {
      out.push({
        pointer: '/linux/resources/memory/reservation', code: 'resources/reservation-above-limit', severity: 'error',
        message: `linux.resources.memory.reservation ${m.reservation} is above memory.limit ${m.limit}`,
        data: { kind: 'replace-value', title: `Lower to the limit (${m.limit})`, value: m.limit } satisfies Fix,
      });
    }
    if (set(m.limit) && set(m.swap) && m.swap < m.limit) {
      out.push({
        pointer: '/linux/resources/memory/swap', code: 'resources/swap-below-limit', severity: 'error',
        message: `linux.resources.memory.swap ${m.swap} is below memory.limit ${m.limit}: swap counts memory plus swap`,
        data: { kind: 'replace-value', title: `Raise to the limit (${m.limit})`, value: m.limit } satisfies Fix,
      });
    }
    return out;
  },
};
