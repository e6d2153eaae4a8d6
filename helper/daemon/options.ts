// berthd's command line. Defaults suit a systemd service; tests pass their
// own root, socket, group and audit log so parallel runs never meet.
import { parseArgs } from 'node:util';
import { DEFAULT_GROUP, DEFAULT_SOCKET } from '../protocol/version';

export interface DaemonOptions {
  /** Runtime state directory shared with the `berth` CLI. */
  root: string;
  socket: string;
  /** Group name or numeric gid whose members may connect. */
  group: string;
  auditLog: string;
  logFormat: 'text' | 'json';
  debug: boolean;
  /** Non-root peers: own bundles only, user namespace forced (see protocol/README.md). */
  strict: boolean;
  /** Pre-started init stages kept ready (0: every create spawns its own). */
  initPool: number;
}

export const USAGE = `usage: berthd [options]   (also: berth daemon [options])
  --root DIR          state directory shared with the berth CLI (default /run/berth)
  --socket PATH       Unix socket to listen on (default ${DEFAULT_SOCKET})
  --group NAME|GID    group allowed to connect besides root (default ${DEFAULT_GROUP});
                      membership is root-equivalent, like the docker group
  --audit-log PATH    one JSON line per request: who, what, result; rotated to PATH.1 past 32 MiB (default /var/log/berth/audit.log)
  --log-format FMT    text or json, on stderr (default text)
  --strict            non-root peers: bundles they own, forced user namespace
  --init-pool N       pre-started init stages kept ready for fast creates (default 2, 0 to disable)
  --debug             log every request
`;

export class UsageError extends Error {}

export function parseOptions(argv: string[]): DaemonOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        root: { type: 'string', default: '/run/berth' },
        socket: { type: 'string', default: DEFAULT_SOCKET },
        group: { type: 'string', default: DEFAULT_GROUP },
        'audit-log': { type: 'string', default: '/var/log/berth/audit.log' },
        'log-format': { type: 'string', default: 'text' },
        strict: { type: 'boolean', default: false },
        debug: { type: 'boolean', default: false },
        'init-pool': { type: 'string', default: '2' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase()));
  }
  if (values.help) return 'help';
  const fmt = values['log-format'];
  if (fmt !== 'text' && fmt !== 'json') throw new UsageError(`--log-format ${fmt}: must be text or json`);
  for (const k of ['root', 'socket', 'audit-log'] as const) if (!values[k].startsWith('/')) throw new UsageError(`--${k} ${values[k]}: must be an absolute path`);
  const initPool = Number(values['init-pool']);
  if (!Number.isInteger(initPool) || initPool < 0 || initPool > 64) throw new UsageError(`--init-pool ${values['init-pool']}: must be an integer from 0 to 64`);
  return {
    root: values.root,
    socket: values.socket,
    group: values.group,
    auditLog: values['audit-log'],
    logFormat: fmt,
    debug: values.debug,
    strict: values.strict,
    initPool,
  };
}
