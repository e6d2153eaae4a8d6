// `berth list`: every container under --root, as runc's table or JSON.
import { listDetailed } from '../runtime/lifecycle';
import { runcOrder } from './state';
import { UsageError, type Verb } from './verb';

export const verb: Verb = {
  summary: 'lists containers started by berth with the given root',
  usage: 'berth list [--format table|json] [--quiet]',
  options: { format: { type: 'string', short: 'f' }, quiet: { type: 'boolean', short: 'q' } },
  positionals: [0, 0],
  async run(v, _p, g) {
    const format = (v.format as string | undefined) ?? 'table';
    if (format !== 'table' && format !== 'json') throw new UsageError(`list: invalid format \`${format}\` (table or json)`);
    const all = await listDetailed(g.ctx);
    if (v.quiet) {
      process.stdout.write(all.map((c) => c.id + '\n').join(''));
      return 0;
    }
    if (format === 'json') {
      process.stdout.write(JSON.stringify(all.length ? all.map(runcOrder) : null) + '\n');
      return 0;
    }
    const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'], ...all.map((c) => [c.id, String(c.pid ?? 0), c.status, c.bundle, c.created, c.owner])];
    // Go's tabwriter as runc configures it: min width 12, padding 1.
    const widths = rows[0].map((_, i) => Math.max(12, ...rows.map((r) => r[i].length + 1)));
    process.stdout.write(rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('') + '\n').join(''));
    return 0;
  },
};
