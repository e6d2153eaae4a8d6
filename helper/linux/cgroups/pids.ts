// pids controller, the same files on v1 and v2. A limit of 0 or below means no limit.
import { ptr } from './errors';
import { readNumber, writeKnob } from './fsio';
import type { Controller } from './controller';

export const pidsController = (name = 'pids'): Controller => ({
  name,
  wanted: (r) => (r.pids?.limit !== undefined ? ptr('pids', 'limit') : undefined),
  apply(dir, r) {
    if (r.pids?.limit === undefined) return;
    writeKnob(dir, 'pids.max', r.pids.limit > 0 ? r.pids.limit : 'max', ptr('pids', 'limit'));
  },
  stats(dir, into) {
    into.pids = { current: readNumber(dir, 'pids.current') ?? 0, limit: Math.max(0, readNumber(dir, 'pids.max') ?? 0) };
  },
});
export const pidsV1 = pidsController();
