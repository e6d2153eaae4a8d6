// `berth events <id>`: runc's event stream on stdout, one JSON object a
// line: {"type":"stats",…} every --interval (default 5s) and {"type":"oom"}
// when the OOM killer acts in the container's cgroup; with --stats, one
// stats event and exit. OOM kills arrive by the kernel's notification
// (helper/runtime/oomevents.ts), not at a poll; the stream ends when the
// container stops, which a light status check notices.
import { containerStats } from '../runtime/cgroups';
import { RuntimeError } from '../runtime/errors';
import { state } from '../runtime/lifecycle';
import { watchOomKills } from '../runtime/oomevents';
import { parseDuration } from './units';
import type { Verb } from './verb';

/** How soon the stream ends after the container stops. */
const ALIVE_CHECK_MS = 100;

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
    // Watching before the first stats line: a reader that saw it misses no kill after it.
    const oom = watchOomKills(g.ctx, id, () => emit('oom'));
    try {
      emit('stats', first.stats);
      let lastStats = Date.now();
      for (;;) {
        await new Promise((r) => setTimeout(r, Math.min(ALIVE_CHECK_MS, interval)));
        // The stream ends with the container, as runc's does.
        if (!(await running(g.ctx, id))) return 0;
        if (Date.now() - lastStats >= interval) {
          let now;
          try {
            now = containerStats(g.ctx, id);
          } catch (e) {
            if (gone(e)) return 0;
            throw e;
          }
          emit('stats', now.stats);
          lastStats = Date.now();
        }
      }
    } finally {
      // Reports a kill that stopped the container between the last wake-up and now.
      oom.close();
    }
  },
};

const gone = (e: unknown) => e instanceof RuntimeError && (e.kind === 'invalid-state' || e.kind === 'not-found');

async function running(ctx: Parameters<typeof state>[0], id: string): Promise<boolean> {
  try {
    return (await state(ctx, id)).status !== 'stopped';
  } catch (e) {
    if (gone(e)) return false;
    throw e;
  }
}
