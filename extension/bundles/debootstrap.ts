// New Bundle's Debian/Ubuntu choice: berthd runs debootstrap as root
// (bundle.debootstrap) and this shows its steps in a cancellable progress
// notification. Cancel asks berthd to end the job, which removes what it
// made; the editor never needs root itself.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebootstrapParams } from '../../helper/protocol/types';
import type { Ctx } from '../ctx';
import { incrementer, runDebootstrapJob } from './debootstrapJob';

const SUITES: { label: string; description: string; mirror: string }[] = [
  { label: 'bookworm', description: 'Debian 12', mirror: 'http://deb.debian.org/debian' },
  { label: 'trixie', description: 'Debian 13', mirror: 'http://deb.debian.org/debian' },
  { label: 'noble', description: 'Ubuntu 24.04', mirror: 'http://archive.ubuntu.com/ubuntu' },
  { label: 'jammy', description: 'Ubuntu 22.04', mirror: 'http://archive.ubuntu.com/ubuntu' },
];

/** The bundle directory: the picked folder when empty, else a new sub-folder the user names. */
async function targetDir(folder: string, suite: string): Promise<string | undefined> {
  if (fs.readdirSync(folder).length === 0) return folder;
  const name = await vscode.window.showInputBox({
    title: `${path.basename(folder)} is not empty: name a new bundle folder in it`,
    value: suite,
    validateInput: (v) => {
      if (!/^[^/\0]+$/.test(v) || v === '.' || v === '..') return 'a folder name, without /';
      return fs.existsSync(path.join(folder, v)) ? `${v} exists already` : undefined;
    },
  });
  return name ? path.join(folder, name) : undefined;
}

export async function debootstrapBundle(ctx: Ctx, folder: string): Promise<string | undefined> {
  if (!ctx.conn.isConnected) {
    void vscode.window.showErrorMessage(`New Bundle: debootstrap runs as root in berthd, which is not connected (${ctx.conn.socketPath}); start it with \`sudo node dist/berthd.js\``);
    return undefined;
  }
  const state = ctx.conn.state;
  if (state.kind === 'connected' && !state.hello.methods.includes('bundle.debootstrap')) {
    void vscode.window.showErrorMessage(`New Bundle: berthd ${state.hello.server} cannot run debootstrap (no bundle.debootstrap); update berthd`);
    return undefined;
  }
  const suite = await vscode.window.showQuickPick(SUITES, { title: 'Suite (Debian or Ubuntu)' });
  if (!suite) return undefined;
  const dir = await targetDir(folder, suite.label);
  if (!dir) return undefined;
  const params: DebootstrapParams = { dir, suite: suite.label, mirror: suite.mirror, variant: 'minbase' };
  ctx.log.info(`debootstrap ${suite.label} into ${dir}/rootfs from ${suite.mirror} (by berthd)`);
  try {
    const end = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `debootstrap ${suite.label}`, cancellable: true },
      (progress, token) => {
        const step = incrementer();
        return runDebootstrapJob(ctx.conn, params, {
          token,
          onStep: (s) => {
            ctx.log.trace(`debootstrap ${s.phase}: ${s.step}`);
            progress.report({ message: s.step, increment: step(s.percent) });
          },
          onLost: (fn) => ctx.conn.onDidChangeState((s) => s.kind !== 'connected' && fn(s)),
          onCancelError: (e) => ctx.log.warn(`bundle.cancel: ${e instanceof Error ? e.message : String(e)}`),
        });
      },
    );
    if (end.outcome === 'done' && end.config) {
      ctx.log.info(`debootstrap ${suite.label}: wrote ${end.config}`);
      await vscode.window.showTextDocument(vscode.Uri.file(end.config));
      return end.config;
    }
    if (end.outcome === 'cancelled') {
      void vscode.window.showInformationMessage(`debootstrap ${suite.label} cancelled; berthd removed what it had made in ${dir}`);
    } else {
      ctx.log.error(`debootstrap ${suite.label}: ${end.error ?? 'failed'}`);
      void vscode.window.showErrorMessage(`New Bundle in ${dir}: ${end.error ?? 'debootstrap failed'}`);
    }
  } catch (e) {
    void vscode.window.showErrorMessage(`New Bundle in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return undefined;
}
