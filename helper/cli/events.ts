// `berth events <id>`: runc's event stream on stdout, one JSON object a
// line: {"type":"stats",…} every --interval (default 5s) and {"type":"oom"}
// when the OOM killer acts in the container's cgroup; with --stats, one
// stats event and exit. OOM kills are noticed by polling the cgroup's
// counter (memory.oom_control / memory.events) every 100 ms, which works
// the same on v1 and v2 and needs no eventfd.
import { containerStats } from '../runtime/cgroups';
import { RuntimeError } from '../runtime/errors';
import { parseDuration } from './units';
import type { Verb } from './verb';

const OOM_POLL_MS = 100;

export const verb: Verb = {
  summary: 'display container events such as OOM notifications, cpu, memory, and IO usage statistics',
  usage: 'berth events [--stats] [--interval 5s] <container-id>',
  options: { stats: { type: 'boolean' }, interval: { type: 'string' } },
  positionals: [1, 1],
  async run(v, [id], g) {
    const interval = typeof v.interval === 'string' ? parseDuration('--interval', v.interval) : 5000;
    const emit = (type: string, data?: unknown) => process.stdout.write(JSON.stringify({ type, id, ...(data === undefined ? {} : { data }) }) + '\n');
    const first = containerStats(g.ctx, id);
    if (v.stats) {
      emit('stats', first.stats);
      return 0;
    }
    let ooms = first.oomKills;
    let lastStats = 0;
    for (;;) {
      let now;
      try {
        now = containerStats(g.ctx, id);
      } catch (e) {
        // The stream ends with the container, as runc's does.
        if (e instanceof RuntimeError && (e.kind === 'invalid-state' || e.kind === 'not-found')) return 0;
        throw e;
      }
      for (; ooms < now.oomKills; ooms++) emit('oom');
      if (Date.now() - lastStats >= interval) {
        emit('stats', now.stats);
        lastStats = Date.now();
      }
      await new Promise((r) => setTimeout(r, Math.min(OOM_POLL_MS, interval)));
    }
  },
};
