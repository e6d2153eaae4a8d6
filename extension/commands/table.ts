// Every command the extension contributes, as factories `(ctx) => handler`
// in one table (rust-analyzer's shape). main.ts registers them all; the
// names here and in package.json's contributes.commands must match (a unit
// test checks it).
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { newBundle } from '../bundles/newBundle';
import { installDaemon } from '../install/installDaemon';
import { runBundle } from '../run/runBundle';
import * as c from './containerActions';

export type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

const groupBy: CommandFactory = () => async () => {
  const pick = await vscode.window.showQuickPick(['none', 'bundle', 'status'], { title: 'Group containers by' });
  if (pick) await vscode.workspace.getConfiguration('berth').update('containers.groupBy', pick, vscode.ConfigurationTarget.Global);
};

export const COMMANDS: Record<string, CommandFactory> = {
  'berth.runBundle': (ctx) => (arg) =>
    runBundle(ctx, arg).catch((e: unknown) => {
      void vscode.window.showErrorMessage(`Run Bundle: ${e instanceof Error ? e.message : String(e)}`);
    }),
  'berth.newBundle': newBundle,
  'berth.refresh': (ctx) => () => Promise.all([ctx.feed.resync(), vscode.commands.executeCommand('berth.bundles.refresh')]),
  'berth.reconnect': (ctx) => () => ctx.conn.restart(),
  'berth.installDaemon': (ctx) => () => installDaemon(ctx),
  'berth.pruneStopped': c.pruneStopped,
  'berth.groupBy': groupBy,
  'berth.showLog': (ctx) => () => ctx.log.show(),
  'berth.container.start': c.start,
  'berth.container.attach': c.attach,
  'berth.container.exec': c.exec,
  'berth.container.pause': c.pause,
  'berth.container.resume': c.resume,
  'berth.container.kill': c.kill,
  'berth.container.delete': c.remove,
  'berth.container.openConfig': c.openConfig,
  'berth.container.revealBundle': c.revealBundle,
  'berth.container.showState': c.showState,
  'berth.container.showLogs': c.showLogs,
  'berth.container.copyId': c.copyId,
};
