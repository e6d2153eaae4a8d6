// rlimits: names setrlimit(2) knows, each type once (config.md forbids
// duplicates), and a soft limit within the hard one.
import { closest } from '../did-you-mean';
import type { Finding } from '../finding';
import type { Fix } from '../fix';
import { RLIMIT_NAMES } from '../names/rlimits';
import { join } from '../pointer';
import { arr, type Rule } from './rule';

const KNOWN = new Set(RLIMIT_NAMES);

export const rlimits: Rule = {
  codes: ['process/unknown-rlimit', 'process/duplicate-rlimit', 'process/rlimit-soft-above-hard'],
  check({ config: c }) {
    const out: Finding[] = [];
    const seen = new Map<string, number>();
    for (const [i, r] of arr<{ type?: unknown; soft?: unknown; hard?: unknown }>(c.process?.rlimits).entries()) {
      const at = join('/process/rlimits', i);
      if (typeof r?.type === 'string') {
        if (!KNOWN.has(r.type)) {
          const guess = closest(r.type, RLIMIT_NAMES);
          out.push({
            pointer: join(at, 'type'), code: 'process/unknown-rlimit', severity: 'error',
            message: `process.rlimits[${i}].type \`${r.type}\` is not a resource limit${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
            ...(guess ? { data: { kind: 'replace-value', title: `Change to \`${guess}\``, value: guess } satisfies Fix } : {}),
          });
        }
        const first = seen.get(r.type);
        if (first !== undefined) {
          out.push({
            pointer: at, code: 'process/duplicate-rlimit', severity: 'error',
            message: `process.rlimits[${i}] repeats \`${r.type}\` of process.rlimits[${first}]`,
            data: { kind: 'remove', title: `Remove the duplicate \`${r.type}\``, pointer: at } satisfies Fix,
          });
        } else seen.set(r.type, i);
      }
      if (typeof r?.soft === 'number' && typeof r?.hard === 'number' && r.soft > r.hard) {
        out.push({
          pointer: join(at, 'soft'), code: 'process/rlimit-soft-above-hard', severity: 'error',
          message: `process.rlimits[${i}].soft ${r.soft} is above its hard limit ${r.hard}`,
          data: { kind: 'replace-value', title: `Lower to ${r.hard}`, value: r.hard } satisfies Fix,
        });
      }
    }
    return out;
  },
};
