// Extension entry: only activation. Everything long-lived belongs to Ctx;
// commands come from commands/table.ts.
import * as vscode from 'vscode';
import { BundlesTree } from './bundles/tree';
import { RunBundleLens } from './codeLens';
import { COMMANDS } from './commands/table';
import { ContainersTree } from './containers/tree';
import { Ctx } from './ctx';
import { LOGS_SCHEME, LogsDocuments } from './docs/logsDocument';
import { STATE_SCHEME, StateDocuments } from './docs/stateDocument';
import { detectOciConfigs } from './lsp/detect';
import { statusBar } from './statusBar';

let ctx: Ctx | undefined;

/** What activate returns: the end-to-end test reads it through the extension's exports. */
export interface BerthApi {
  ctx: Ctx;
}

export async function activate(extension: vscode.ExtensionContext): Promise<BerthApi> {
  const c = new Ctx(extension);
  ctx = c;
  extension.subscriptions.push(c);
  const containers = new ContainersTree(c);
  const bundles = new BundlesTree();
  c.push(
    containers,
    bundles,
    vscode.window.createTreeView('berth.containers', { treeDataProvider: containers, showCollapseAll: true }),
    vscode.window.createTreeView('berth.bundles', { treeDataProvider: bundles }),
    vscode.commands.registerCommand('berth.bundles.refresh', () => bundles.refresh()),
    vscode.workspace.registerTextDocumentContentProvider(STATE_SCHEME, new StateDocuments(c)),
    vscode.workspace.registerTextDocumentContentProvider(LOGS_SCHEME, new LogsDocuments(c)),
    vscode.languages.registerCodeLensProvider([{ language: 'oci-config' }, { pattern: '**/config.json', scheme: 'file' }], new RunBundleLens()),
    statusBar(c),
    detectOciConfigs(c.log),
  );
  for (const [name, factory] of Object.entries(COMMANDS)) c.push(vscode.commands.registerCommand(name, factory(c)));
  c.log.info(`Berth ${(extension.extension.packageJSON as { version?: string }).version} activated in VS Code ${vscode.version}`);
  void c.conn.start();
  if (c.lsp) c.lsp.start().catch((e: unknown) => c.log.error(`language server: ${e instanceof Error ? e.message : String(e)}`));
  return { ctx: c };
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
