// The Containers view's actions, each a factory `(ctx) => handler`. An
// action names the container (tree node, id or quick pick), asks berthd,
// and lets the event stream update the view: no action refreshes by hand.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Process, Spec } from '../../helper/spec/types';
import { settings } from '../config';
import type { Ctx } from '../ctx';
import { logsUri } from '../docs/logsDocument';
import { stateUri } from '../docs/stateDocument';
import { openConsole } from '../terminal/consolePty';
import { pickContainer } from './pickContainer';

const SIGNALS: { signal: string; detail: string }[] = [
  { signal: 'SIGTERM', detail: 'ask the process to end (default)' },
  { signal: 'SIGKILL', detail: 'end it now; cannot be caught' },
  { signal: 'SIGINT', detail: 'as Ctrl+C' },
  { signal: 'SIGHUP', detail: 'hang-up: many daemons reload' },
  { signal: 'SIGQUIT', detail: 'quit, with a core dump when allowed' },
  { signal: 'SIGUSR1', detail: 'user-defined 1' },
  { signal: 'SIGUSR2', detail: 'user-defined 2' },
  { signal: 'SIGSTOP', detail: 'stop (freeze) the init' },
  { signal: 'SIGCONT', detail: 'continue after SIGSTOP' },
];

function report(verb: string, id: string, e: unknown): void {
  void vscode.window.showErrorMessage(`${verb} ${id}: ${e instanceof Error ? e.message : String(e)}`);
}

type Handler = (arg?: unknown) => Promise<unknown>;

export const start = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, ['created'], 'Start');
  if (!c) return;
  if (c.terminal && settings().attachOnRun) openConsole(ctx, c.id, { kind: 'console' });
  await ctx.conn.request('start', { id: c.id }).catch((e: unknown) => report('start', c.id, e));
};

export const attach = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, ['created', 'running', 'paused', 'stopped'], 'Attach');
  if (!c) return;
  return openConsole(ctx, c.id, c.terminal ? { kind: 'console' } : { kind: 'logs' });
};

/** The shell to exec: the first of bash, ash, sh that the container's rootfs has. */
export function defaultShell(bundle: string): string {
  let root = 'rootfs';
  try {
    const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')) as Spec;
    if (spec.root?.path) root = spec.root.path;
  } catch {
    // config unreadable from here: assume runc's layout
  }
  const rootfs = path.resolve(bundle, root);
  for (const sh of ['/bin/bash', '/bin/ash', '/bin/sh']) if (fs.existsSync(path.join(rootfs, sh))) return sh;
  return '/bin/sh';
}

export const exec = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, ['running'], 'Exec');
  if (!c) return;
  const shell = defaultShell(c.bundle);
  const proc: Process = {
    terminal: true,
    user: { uid: 0, gid: 0 },
    args: [shell],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm-256color', 'HOME=/root'],
    cwd: '/',
  };
  try {
    const r = await ctx.conn.request('exec', { id: c.id, process: proc, consoleSize: { rows: 24, cols: 80 } });
    // berthd opens a console session for a tty exec (ExecResult.session).
    const session = r.session;
    if (!session) {
      void vscode.window.showWarningMessage(`exec ${c.id}: started ${shell} as pid ${r.pid}, but this berthd gives no console session for it`);
      return;
    }
    return openConsole(ctx, c.id, { kind: 'session', session, pid: r.pid }, `${c.id}: ${path.basename(shell)}`);
  } catch (e) {
    report('exec', c.id, e);
  }
};

export const pause = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, ['running'], 'Pause');
  if (c) await ctx.conn.request('pause', { id: c.id }).catch((e: unknown) => report('pause', c.id, e));
};

export const resume = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, ['paused'], 'Resume');
  if (c) await ctx.conn.request('resume', { id: c.id }).catch((e: unknown) => report('resume', c.id, e));
};

export const kill = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, ['created', 'running', 'paused'], 'Kill');
  if (!c) return;
  const preferred = settings().defaultSignal;
  const items = SIGNALS.map((s) => ({ label: s.signal, detail: s.detail, picked: s.signal === preferred }));
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  const pick = await vscode.window.showQuickPick(items, { title: `Kill ${c.id} with which signal?`, placeHolder: preferred });
  if (!pick) return;
  await ctx.conn.request('kill', { id: c.id, signal: pick.label }).catch((e: unknown) => report('kill', c.id, e));
};

export const remove = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, 'any', 'Delete');
  if (!c) return;
  const live = c.status === 'running' || c.status === 'paused';
  if (settings().confirmDelete || live) {
    const action = live ? 'Kill and Delete' : 'Delete';
    const ok = await vscode.window.showWarningMessage(
      `Delete container ${c.id}?`,
      { modal: true, detail: live ? `It is ${c.status}: its processes are killed first.` : `Its state and logs are removed; the bundle ${c.bundle} stays.` },
      action,
    );
    if (ok !== action) return;
  }
  await ctx.conn.request('delete', { id: c.id, force: live }).catch((e: unknown) => report('delete', c.id, e));
};

export const pruneStopped = (ctx: Ctx): Handler => async () => {
  const stopped = ctx.model.all().filter((c) => c.status === 'stopped');
  if (stopped.length === 0) {
    void vscode.window.showInformationMessage('No stopped containers');
    return;
  }
  if (settings().confirmDelete) {
    const ok = await vscode.window.showWarningMessage(`Delete ${stopped.length} stopped container${stopped.length > 1 ? 's' : ''}?`, { modal: true, detail: stopped.map((c) => c.id).join('\n') }, 'Delete');
    if (ok !== 'Delete') return;
  }
  const failed: string[] = [];
  for (const c of stopped) await ctx.conn.request('delete', { id: c.id }).catch((e: unknown) => failed.push(`${c.id}: ${e instanceof Error ? e.message : String(e)}`));
  if (failed.length) void vscode.window.showErrorMessage(`delete failed for ${failed.join('; ')}`);
};

export const openConfig = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, 'any', 'Open config.json');
  if (c) await vscode.window.showTextDocument(vscode.Uri.file(path.join(c.bundle, 'config.json')));
};

export const revealBundle = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, 'any', 'Reveal Bundle');
  if (!c) return;
  const uri = vscode.Uri.file(c.bundle);
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
};

export const showState = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, 'any', 'Show State');
  if (!c) return;
  const doc = await vscode.workspace.openTextDocument(stateUri(c.id));
  await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true });
};

export const showLogs = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, 'any', 'Show Logs');
  if (!c) return;
  if (c.terminal) {
    // A tty container's output is its console: the scrollback replays on attach.
    return openConsole(ctx, c.id, { kind: 'console' });
  }
  const doc = await vscode.workspace.openTextDocument(logsUri(c.id));
  await vscode.window.showTextDocument(doc, { preview: false });
};

export const copyId = (ctx: Ctx): Handler => async (arg) => {
  const c = await pickContainer(ctx, arg, 'any', 'Copy ID');
  if (!c) return;
  await vscode.env.clipboard.writeText(c.id);
  vscode.window.setStatusBarMessage(`Copied ${c.id}`, 2000);
};
