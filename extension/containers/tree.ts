// The Containers view: a TreeDataProvider over the model, which berthd's
// event stream keeps current. Containers can be grouped by bundle or status
// (setting berth.containers.groupBy); a running container's children are
// its processes (`ps`, read when the node is expanded).
import { readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ContainerInfo } from '../../helper/protocol/types';
import { settings } from '../config';
import type { Ctx } from '../ctx';
import { contextValue, description, type GroupBy, groupOf, look, tooltipMarkdown } from './present';

export type Node =
  | { kind: 'group'; key: string; by: GroupBy }
  | { kind: 'container'; id: string }
  | { kind: 'process'; id: string; pid: number };

export class ContainersTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Ctx) {
    this.subs.push(
      ctx.model.onDidChange(() => this.emitter.fire(undefined)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('berth.containers.groupBy')) this.emitter.fire(undefined);
      }),
    );
    // Uptime in descriptions ages; re-render (not re-fetch) once a minute.
    this.ticker = setInterval(() => {
      if (ctx.model.count('running') > 0) this.emitter.fire(undefined);
    }, 60_000);
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(node?: Node): vscode.ProviderResult<Node[]> {
    const by = settings().groupBy;
    const all = this.ctx.model.all();
    if (!node) {
      if (by === 'none') return all.map((c) => ({ kind: 'container', id: c.id }));
      const keys = [...new Set(all.map((c) => groupOf(c, by)!))].sort();
      return keys.map((key) => ({ kind: 'group', key, by }));
    }
    if (node.kind === 'group') return all.filter((c) => groupOf(c, node.by) === node.key).map((c) => ({ kind: 'container', id: c.id }));
    if (node.kind === 'container') return this.processes(node.id);
    return [];
  }

  private async processes(id: string): Promise<Node[]> {
    try {
      const { pids } = await this.ctx.conn.request('ps', { id });
      return pids.map((pid) => ({ kind: 'process', id, pid }));
    } catch (e) {
      this.ctx.log.warn(`ps ${id}: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const label = node.by === 'bundle' ? path.basename(node.key) : node.key;
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.by}:${node.key}`;
      item.description = node.by === 'bundle' ? path.dirname(node.key) : undefined;
      item.iconPath = new vscode.ThemeIcon(node.by === 'bundle' ? 'package' : 'symbol-enum');
      item.contextValue = 'group';
      return item;
    }
    if (node.kind === 'process') {
      const item = new vscode.TreeItem(commandLine(node.pid) ?? `pid ${node.pid}`, vscode.TreeItemCollapsibleState.None);
      item.id = `proc:${node.id}:${node.pid}`;
      item.description = `pid ${node.pid}`;
      item.iconPath = new vscode.ThemeIcon('symbol-event');
      item.contextValue = 'process';
      return item;
    }
    const c = this.ctx.model.get(node.id);
    if (!c) return new vscode.TreeItem(node.id);
    const s = this.ctx.conn.state;
    const canPs = s.kind === 'connected' && s.hello.methods.includes('ps');
    return containerItem(c, this.ctx.model.wasOomKilled(c.id), canPs);
  }

  getParent(node: Node): Node | undefined {
    if (node.kind === 'process') return { kind: 'container', id: node.id };
    if (node.kind === 'container') {
      const by = settings().groupBy;
      const c = this.ctx.model.get(node.id);
      if (by !== 'none' && c) return { kind: 'group', key: groupOf(c, by)!, by };
    }
    return undefined;
  }

  dispose(): void {
    clearInterval(this.ticker);
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}

/** A container row; its processes are children when berthd answers `ps` (hello lists the methods it implements). */
function containerItem(c: ContainerInfo, oomKilled: boolean, canPs: boolean): vscode.TreeItem {
  const running = canPs && (c.status === 'running' || c.status === 'paused');
  const item = new vscode.TreeItem(c.id, running ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `container:${c.id}:${c.status}`;
  const l = look(c);
  item.iconPath = new vscode.ThemeIcon(l.icon, new vscode.ThemeColor(l.color));
  item.description = description(c);
  const md = new vscode.MarkdownString(tooltipMarkdown(c, { namespaces: namespaces(c.pid), cgroup: cgroup(c.pid), oomKilled }));
  item.tooltip = md;
  item.contextValue = contextValue(c);
  item.resourceUri = vscode.Uri.file(c.bundle);
  return item;
}

/** The namespaces the init does not share with this window's process, from /proc. */
function namespaces(pid: number | undefined): string[] | undefined {
  if (!pid) return undefined;
  const kinds = ['mnt', 'pid', 'net', 'uts', 'ipc', 'user', 'cgroup', 'time'];
  return kinds.filter((k) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/${k}`) !== readlinkSync(`/proc/self/ns/${k}`);
    } catch {
      return false; // another user's process: /proc hides its namespaces
    }
  });
}

function cgroup(pid: number | undefined): string | undefined {
  if (!pid) return undefined;
  try {
    const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
    const pick = lines.find((l) => l.includes(':memory:')) ?? lines.find((l) => l.startsWith('0::')) ?? lines[0];
    return pick?.split(':').slice(2).join(':');
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean).join(' ') || undefined;
  } catch {
    return undefined;
  }
}
