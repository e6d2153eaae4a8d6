// `berth daemon` runs berthd in the foreground; `berth daemon install`
// writes its systemd unit and creates the allowed group. berthd is loaded
// from dist/berthd.js only when this verb runs, so no other verb pays for it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_GROUP, DEFAULT_SOCKET } from '../protocol/version';
import { UsageError, type Verb } from './verb';

function berthdScript(): string {
  const candidates = [process.env.BERTHD_JS, join(__dirname, 'berthd.js'), join(__dirname, '../../dist/berthd.js')];
  for (const c of candidates) if (c && existsSync(c)) return resolve(c);
  throw new Error(`berthd not found (looked for ${candidates.filter(Boolean).join(', ')}): run \`npm run build\``);
}

export const verb: Verb = {
  summary: 'run berthd, the root helper, in the foreground (or `install` its systemd unit)',
  usage: `berth [--root dir] [--debug] daemon [install] [--socket path] [--group name|gid] [--audit-log path] [--log-format text|json] [--strict] [--unit-dir dir]`,
  options: {
    socket: { type: 'string' },
    group: { type: 'string' },
    'audit-log': { type: 'string' },
    'log-format': { type: 'string' },
    strict: { type: 'boolean' },
    'unit-dir': { type: 'string' },
  },
  positionals: [0, 1],
  async run(v, pos, g) {
    const flags: string[] = [];
    if (typeof v['audit-log'] === 'string') flags.push('--audit-log', v['audit-log']);
    if (typeof v['log-format'] === 'string') flags.push('--log-format', v['log-format']);
    if (v.strict === true) flags.push('--strict');
    if (g.debug) flags.push('--debug');
    const socket = typeof v.socket === 'string' ? v.socket : DEFAULT_SOCKET;
    const group = typeof v.group === 'string' ? v.group : DEFAULT_GROUP;
    if (pos[0] === 'install') {
      const { install } = require('../daemon/systemd') as typeof import('../daemon/systemd');
      const unitDir = typeof v['unit-dir'] === 'string' ? v['unit-dir'] : '/etc/systemd/system';
      for (const line of install({ script: berthdScript(), node: process.execPath, root: g.root, socket, group, unitDir, args: flags })) process.stdout.write(`${line}\n`);
      process.stdout.write('next: systemctl daemon-reload && systemctl enable --now berthd\n');
      return 0;
    }
    if (pos[0] !== undefined) throw new UsageError(`daemon ${pos[0]}: unknown subcommand (only \`install\`)`);
    if (v['unit-dir'] !== undefined) throw new UsageError('--unit-dir: only with `daemon install`');
    const berthd = require(berthdScript()) as { main(argv: string[]): Promise<number> };
    return berthd.main(['--root', g.root, '--socket', socket, '--group', group, ...flags]);
  },
};
