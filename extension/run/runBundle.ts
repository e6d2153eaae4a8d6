// Run Bundle: check config.json through the language server, create and
// start the container through berthd under a progress notification, put a
// create failure on the config field's line, open the console (or the
// output) in a terminal, and say how the process ended.
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ErrorCode } from '../../helper/protocol/errors';
import { CONTAINER_ID_PATTERN } from '../../helper/protocol/schemas';
import type { Finding } from '../../helper/spec/finding';
import { BerthdError } from '../berthd/errors';
import { settings } from '../config';
import { exitText } from '../containers/present';
import type { Ctx } from '../ctx';
import { openConsole } from '../terminal/consolePty';
import { type BundleRef, resolveBundle } from './bundle';
import { showFindings } from './findings';

/** A fresh id from the bundle's folder name: `web-3f9a`. */
export function containerId(bundleDir: string): string {
  const base = path.basename(bundleDir).replace(/[^A-Za-z0-9_+.-]/g, '-').replace(/^\.+/, '').slice(0, 40) || 'bundle';
  const id = `${base}-${randomBytes(2).toString('hex')}`;
  if (!new RegExp(CONTAINER_ID_PATTERN).test(id)) throw new Error(`cannot make a container id from ${bundleDir}`);
  return id;
}

/** Errors the language server reports on config.json now (after letting it see the saved text). */
async function configErrors(ctx: Ctx, uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.isDirty) await doc.save();
  if (!ctx.languageClientRunning()) {
    ctx.log.info('language server not running: Run Bundle relies on berthd\'s own check');
    return [];
  }
  // Diagnostics arrive asynchronously after open; wait for the first batch briefly.
  const errors = () => vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error && d.source !== 'berth run');
  if (vscode.languages.getDiagnostics(uri).length === 0) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        sub.dispose();
        resolve();
      }, 1500);
      const sub = vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => u.toString() === uri.toString())) {
          clearTimeout(t);
          sub.dispose();
          resolve();
        }
      });
    });
  }
  return errors();
}

export async function runBundle(ctx: Ctx, arg: unknown): Promise<string | undefined> {
  const bundle = await resolveBundle(arg);
  if (!bundle) {
    void vscode.window.showWarningMessage('Run Bundle: no bundle (a folder with config.json) selected');
    return undefined;
  }
  ctx.runDiagnostics.delete(bundle.config);
  const errors = await configErrors(ctx, bundle.config);
  if (errors.length > 0) {
    const choice = await vscode.window.showErrorMessage(
      `${path.basename(bundle.dir)}/config.json has ${errors.length} error${errors.length > 1 ? 's' : ''}: ${errors[0].message}`,
      'Go to Errors',
      'Run Anyway',
    );
    if (choice === 'Go to Errors') {
      const editor = await vscode.window.showTextDocument(bundle.config);
      editor.selection = new vscode.Selection(errors[0].range.start, errors[0].range.start);
      editor.revealRange(errors[0].range);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      return undefined;
    }
    if (choice !== 'Run Anyway') return undefined;
  }
  const conn = await ctx.connected();
  const id = containerId(bundle.dir);
  const info = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Running ${id}`, cancellable: false },
    async (progress) => {
      progress.report({ message: 'creating…' });
      let created;
      try {
        created = await conn.request('create', { id, bundle: bundle.dir });
      } catch (e) {
        await createFailed(ctx, bundle, e);
        return undefined;
      }
      // Attach before start so that the console shows the very first bytes.
      if (settings().attachOnRun) openConsole(ctx, id, created.terminal ? { kind: 'console' } : { kind: 'logs' });
      progress.report({ message: 'starting…' });
      try {
        return await conn.request('start', { id });
      } catch (e) {
        void vscode.window.showErrorMessage(`start ${id}: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    },
  );
  if (!info) return undefined;
  ctx.log.info(`${id}: running from ${bundle.dir} (pid ${info.pid ?? '?'})`);
  reportExit(ctx, id);
  return id;
}

/** Shows the create failure on config.json: a diagnostic on the field's line, then a toast that leads there. */
async function createFailed(ctx: Ctx, bundle: BundleRef, e: unknown): Promise<void> {
  const err = BerthdError.from('create', e);
  const findings: Finding[] = err.data?.findings?.length
    ? err.data.findings
    : err.data?.pointer
      ? [{ pointer: err.data.pointer, code: `berthd/${errorName(err.code)}`, severity: 'error', message: fieldMessage(err.message, err.data.pointer) }]
      : [];
  ctx.log.error(`create from ${bundle.dir}: ${err.message}`);
  if (findings.length === 0) {
    void vscode.window.showErrorMessage(`Run Bundle: ${err.message}`);
    return;
  }
  const first = await showFindings(ctx, bundle.config, findings);
  const choice = await vscode.window.showErrorMessage(`Run Bundle: ${err.message}`, 'Show in config.json');
  if (choice && first) {
    const editor = await vscode.window.showTextDocument(bundle.config);
    editor.selection = new vscode.Selection(first.start, first.start);
    editor.revealRange(first);
  }
}

/** berthd says `<bundle>/config.json: /process/args/0: <words>`; on the field's line only the words matter. */
export function fieldMessage(message: string, pointer: string): string {
  const at = message.indexOf(`${pointer}: `);
  return at >= 0 ? message.slice(at + pointer.length + 2) : message;
}

function errorName(code: number): string {
  const name = Object.entries(ErrorCode).find(([, v]) => v === code)?.[0];
  return name ? name.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase()) : String(code);
}

/** One message when the container's process ends, with its exit code. */
function reportExit(ctx: Ctx, id: string): void {
  const sub = ctx.model.onDidChange(() => {
    const c = ctx.model.get(id);
    if (!c) return sub.dispose();
    if (c.status !== 'stopped') return;
    sub.dispose();
    const how = exitText(c) ?? 'stopped';
    const ok = c.exitStatus?.code === 0;
    const show = ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(`${id}: ${how}`, 'Show Logs', 'Delete').then((choice) => {
      if (choice === 'Show Logs') void vscode.commands.executeCommand('berth.container.showLogs', id);
      if (choice === 'Delete') void vscode.commands.executeCommand('berth.container.delete', id);
    });
  });
  ctx.push(sub);
}
