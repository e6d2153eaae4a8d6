// The extension's one owner of long-lived things (as in rust-analyzer's
// editors/code): the log channel, the berthd connection, the containers
// model and its feed, and every disposable. Commands get the Ctx and reach
// everything through it.
import * as vscode from 'vscode';
import { BerthdConnection, type ConnectionState } from './berthd/connection';
import { SocketWatch } from './berthd/socketWatch';
import { settings } from './config';
import { ContainersFeed } from './containers/feed';
import { ContainersModel } from './containers/model';
import { installDaemon } from './install/installDaemon';
import { isProtocolRefusal, outdated } from './install/version';
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
  /** This extension's version (package.json). */
  readonly version: string;
  /** berthd versions (or refusals) already offered an update this session. */
  private readonly offered = new Set<string>();
  /** Set by Install berthd when it adds the user to this group: a permission error then means a new login is needed. */
  private joinedGroup: string | undefined;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Berth', { log: true });
    const version = (this.version = (extension.extension.packageJSON as { version?: string }).version ?? '0');
    this.conn = new BerthdConnection({
      socketPath: settings().socketPath,
      clientName: `berth-vscode/${version}`,
      log: (level, msg) => this.log[level](msg),
    });
    this.feed = new ContainersFeed(this.conn, this.model, (m) => this.log.warn(m));
    this.push(this.log, this.runDiagnostics, this.feed, this.model, this.conn, new SocketWatch(this.conn));
    this.push(this.conn.onDidChangeState((s) => this.checkDaemon(s)));
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

  /** An older berthd, or one refusing our protocol: say so once per version and offer the install command. A permission error after joining the group: say a new login is needed. */
  private checkDaemon(s: ConnectionState): void {
    let why: string | undefined;
    if (s.kind === 'connected') why = outdated(s.hello, this.version);
    else if (s.kind === 'disconnected' && isProtocolRefusal(s.reason)) why = `berthd refused this extension (${s.reason})`;
    if (s.kind === 'disconnected' && this.joinedGroup && /permission denied/.test(s.reason)) {
      const group = this.joinedGroup;
      this.joinedGroup = undefined;
      void vscode.window.showWarningMessage(
        `berthd is running, but this VS Code session started before you joined the group ${group}, so it may not use ${this.conn.socketPath} yet. ` +
          'Log out and back in (Remote-SSH: kill the VS Code server on the host, then reconnect); Berth connects by itself then.',
      );
    }
    if (!why || this.offered.has(why)) return;
    this.offered.add(why);
    this.log.warn(`${why}: offering the update`);
    const update = 'Update berthd…';
    void vscode.window.showWarningMessage(`${why}. Update it with the runtime this extension carries? Containers keep running.`, update).then((pick) => {
      if (pick === update) return installDaemon(this, why);
    });
  }

  /** Install berthd ran, adding the user to `group` (undefined: no group change). */
  expectInstall(group: string | undefined): void {
    this.joinedGroup = group;
    void this.conn.restart();
  }

  push(...d: vscode.Disposable[]): void {
    this.disposables.push(...d);
  }

  /** The connection, or an error telling the user how to get one. */
  async connected(): Promise<BerthdConnection> {
    if (this.conn.isConnected) return this.conn;
    await this.conn.whenConnected(1500).catch(() => undefined);
    if (this.conn.isConnected) return this.conn;
    throw new Error(`berthd is not running (socket ${this.conn.socketPath}): run "Berth: Install berthd…"`);
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
