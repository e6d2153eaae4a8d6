// How one container looks in the tree: icon and theme colour per status,
// the one-line description, the Markdown tooltip and the contextValue that
// menus match on. Plain data (ids of codicons and theme colours) so it is
// unit-tested without VS Code; tree.ts turns it into a TreeItem.
import type { Status } from '../../helper/spec/types';
import type { ContainerInfo } from '../../helper/protocol/types';

export interface Look {
  /** Codicon id for ThemeIcon. */
  icon: string;
  /** Theme colour id for the icon. */
  color: string;
}

const LOOKS: Record<Status, Look> = {
  creating: { icon: 'loading~spin', color: 'charts.yellow' },
  created: { icon: 'circle-large-outline', color: 'charts.yellow' },
  running: { icon: 'vm-running', color: 'testing.iconPassed' },
  paused: { icon: 'debug-pause', color: 'charts.orange' },
  stopped: { icon: 'vm-outline', color: 'disabledForeground' },
};

export function look(c: ContainerInfo): Look {
  if (c.status === 'stopped' && c.exitStatus && (c.exitStatus.code !== 0 || c.exitStatus.signal)) {
    return { icon: 'error', color: 'testing.iconFailed' };
  }
  return LOOKS[c.status] ?? LOOKS.stopped;
}

/** `contextValue`: `container:<status>` then `:tty` and `:berthd` flags; menus match `^container:(running|…)\b`. */
export function contextValue(c: ContainerInfo): string {
  return ['container', c.status, c.terminal ? 'tty' : 'notty', c.owner].join(':');
}

export function exitText(c: ContainerInfo): string | undefined {
  const x = c.exitStatus;
  if (!x) return undefined;
  if (x.signal) return `killed by ${x.signal}`;
  return `exit ${x.code ?? '?'}`;
}

/** `running · pid 1234 · 3m`, `stopped · exit 137`. */
export function description(c: ContainerInfo, now: number = Date.now()): string {
  const parts: string[] = [c.status];
  if ((c.status === 'running' || c.status === 'paused' || c.status === 'created') && c.pid) parts.push(`pid ${c.pid}`);
  if (c.status === 'running' && c.created) {
    const up = uptime(Date.parse(c.created), now);
    if (up) parts.push(up);
  }
  const exit = exitText(c);
  if (c.status === 'stopped' && exit) parts.push(exit);
  return parts.join(' · ');
}

export function uptime(since: number, now: number): string | undefined {
  if (!Number.isFinite(since)) return undefined;
  const s = Math.max(0, Math.floor((now - since) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

/** Extra facts the tooltip shows when the caller has them (namespaces from /proc, the cgroup path). */
export interface TooltipExtras {
  namespaces?: string[];
  cgroup?: string;
  oomKilled?: boolean;
}

export function tooltipMarkdown(c: ContainerInfo, extras: TooltipExtras = {}): string {
  const rows: [string, string][] = [
    ['status', c.status],
    ['bundle', code(c.bundle)],
  ];
  if (c.created) rows.push(['created', c.created]);
  if (c.pid) rows.push(['pid', String(c.pid)]);
  rows.push(['console', c.terminal ? 'terminal (attach)' : 'stdout/stderr (logs)']);
  rows.push(['made by', c.owner === 'berthd' ? 'berthd' : 'the berth CLI']);
  if (extras.namespaces?.length) rows.push(['namespaces', extras.namespaces.join(', ')]);
  if (extras.cgroup) rows.push(['cgroup', code(extras.cgroup)]);
  const exit = exitText(c);
  if (exit) rows.push(['exit', `${exit}${c.exitStatus?.at ? ` at ${c.exitStatus.at}` : ''}${c.exitStatus?.note ? ` (${c.exitStatus.note})` : ''}`]);
  if (extras.oomKilled) rows.push(['oom', 'the kernel OOM-killed a process']);
  const table = ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`)].join('\n');
  return `**${c.id}**\n\n${table}`;
}

export type GroupBy = 'none' | 'bundle' | 'status';

/** The group a container falls in; undefined for a flat list. */
export function groupOf(c: ContainerInfo, by: GroupBy): string | undefined {
  if (by === 'bundle') return c.bundle;
  if (by === 'status') return c.status;
  return undefined;
}
