// `berth ps <id> [ps-args]`: the processes in the container's cgroup.
// --format json prints their pids; table (the default) runs ps(1) with the
// given arguments (default -ef) and keeps the header and the lines whose PID
// column is one of them, as runc does. Everything after the id is ps's, as
// with runc (`berth ps web -e -x`, or `berth ps web -- -o pid,comm`). A
// stopped container has no processes: the header alone, or [].
import { execFileSync } from 'node:child_process';
import { containerStats } from '../runtime/cgroups';
import { runtime } from '../runtime/runtime';
import { UsageError, type Verb } from './verb';

export function filterPsTable(table: string, pids: number[]): string {
  const [header, ...lines] = table.split('\n');
  const col = header.trim().split(/\s+/).indexOf('PID');
  if (col < 0) throw new UsageError('ps: the ps output has no PID column (keep pid in -o)');
  const want = new Set(pids);
  const kept = lines.filter((l) => want.has(Number(l.trim().split(/\s+/)[col])));
  return [header, ...kept].join('\n') + '\n';
}

export const verb: Verb = {
  summary: 'ps displays the processes running inside a container',
  usage: 'berth ps [--format table|json] <container-id> [ps options]',
  options: { format: { type: 'string', short: 'f' } },
  positionals: [1, Infinity],
  restAfter: 1,
  async run(v, [id, ...psArgs], g) {
    const format = v.format ?? 'table';
    if (format !== 'table' && format !== 'json') throw new UsageError(`ps: --format: unknown format \`${String(format)}\` (table or json)`);
    const { status } = await runtime.state(g.ctx, id);
    const pids = status === 'stopped' ? [] : containerStats(g.ctx, id).pids;
    if (format === 'json') {
      process.stdout.write(JSON.stringify(pids) + '\n');
      return 0;
    }
    const table = execFileSync('ps', psArgs.length ? psArgs : ['-ef'], { encoding: 'utf8' });
    process.stdout.write(filterPsTable(table, pids));
    return 0;
  },
};
