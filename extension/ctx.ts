// The extension's one owner of long-lived things (as in rust-analyzer's
// editors/code): the log channel, the berthd connection, the containers
// model and its feed, and every disposable. Commands get the Ctx and reach
// everything through it.
import * as vscode from 'vscode';
import { BerthdConnection } from './berthd/connection';
import { settings } from './config';
import { ContainersFeed } from './containers/feed';
import { ContainersModel } from './containers/model';
import { createLanguageClient } from './lsp/client';
import { rangeOfPointer } from './run/pointer';
import { PointerToRangeRequest } from './server/protocol';
import type { LanguageClient } from 'vscode-languageclient/node';

export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly conn: BerthdConnection;
  readonly model = new ContainersModel();
  readonly feed: ContainersFeed;
  /** Create failures shown on config.json lines by Run Bundle. */
  readonly runDiagnostics = vscode.languages.createDiagnosticCollection('berth-run');
  /** The language server's client; undefined when dist/server.js is not built. */
  readonly lsp: LanguageClient | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Berth', { log: true });
    const version = (extension.extension.packageJSON as { version?: string }).version ?? '0';
    this.conn = new BerthdConnection({
      socketPath: settings().socketPath,
      clientName: `berth-vscode/${version}`,
      log: (level, msg) => this.log[level](msg),
    });
    this.feed = new ContainersFeed(this.conn, this.model, (m) => this.log.warn(m));
    this.push(this.log, this.runDiagnostics, this.feed, this.model, this.conn);
    this.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('berth.socketPath')) void this.conn.restart(settings().socketPath);
      }),
      // A create failure shown on config.json is stale once the user edits the file.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.runDiagnostics.has(e.document.uri)) this.runDiagnostics.delete(e.document.uri);
      }),
    );
    this.lsp = createLanguageClient(extension, this.log);
    if (this.lsp) this.push({ dispose: () => void this.lsp?.stop() });
  }

  languageClientRunning(): boolean {
    return this.lsp?.isRunning() ?? false;
  }

  /** The range of a config field named by a JSON pointer, from the language server when it runs, else parsed here. */
  async pointerRange(doc: vscode.TextDocument, pointer: string): Promise<vscode.Range> {
    if (this.lsp?.isRunning()) {
      try {
        const r = await this.lsp.sendRequest(PointerToRangeRequest, { uri: doc.uri.toString(), pointer });
        if (r) return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
      } catch (e) {
        this.log.warn(`berth/pointerToRange ${pointer}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const local = rangeOfPointer(doc.getText(), pointer);
    if (!local) return new vscode.Range(0, 0, 0, 1);
    return new vscode.Range(doc.positionAt(local.start), doc.positionAt(local.end));
  }

  push(...d: vscode.Disposable[]): void {
    this.disposables.push(...d);
  }

  /** The connection, or an error telling the user how to get one. */
  async connected(): Promise<BerthdConnection> {
    if (this.conn.isConnected) return this.conn;
    await this.conn.whenConnected(1500).catch(() => undefined);
    if (this.conn.isConnected) return this.conn;
    throw new Error(`berthd is not running: start it as root (node dist/berthd.js), socket ${this.conn.socketPath}`);
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
