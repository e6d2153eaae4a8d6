// A real LSP client for tests and the benchmark: spawns the language server
// (from source through tsx, or dist/server.js) and speaks JSON-RPC over its
// stdio with vscode-jsonrpc, as any editor would.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-languageserver-protocol/node';
import type {
  CodeAction, CompletionItem, CompletionList, Diagnostic, DocumentLink, DocumentSymbol, Hover, Position, PublishDiagnosticsParams, Range, TextEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LANGUAGE_ID, PointerToRangeRequest, type PointerRange } from '../../extension/server/protocol';

const ROOT = resolve(__dirname, '..', '..');

export class LspClient {
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();
  private waiting = new Map<string, { version: number; resolve: (d: Diagnostic[]) => void }>();
  private constructor(readonly child: ChildProcess, readonly conn: MessageConnection) {
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const w = this.waiting.get(p.uri);
      if (w && (p.version === undefined || p.version === w.version)) {
        this.waiting.delete(p.uri);
        w.resolve(p.diagnostics);
      }
    });
  }

  /** `serverPath`: run that bundled server (like dist/server.js) instead of the TypeScript source. */
  static async start(opts: { host?: boolean; serverPath?: string } = {}): Promise<LspClient> {
    const args = opts.serverPath ? [opts.serverPath, '--stdio'] : ['--import', 'tsx', resolve(ROOT, 'extension/server/main.ts'), '--stdio'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.listen();
    const c = new LspClient(child, conn);
    // A server that dies while starting (a broken bundle) must fail the caller, not hang it.
    const died = new Promise<never>((_, rej) => child.once('exit', (code, sig) => rej(new Error(`language server exited (${code ?? sig}) before answering initialize`))));
    died.catch(() => undefined);
    await Promise.race([died, conn.sendRequest('initialize', {
      processId: process.pid, rootUri: null, capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: { host: opts.host ?? true },
    })]);
    await conn.sendNotification('initialized', {});
    return c;
  }

  text(uri: string): string {
    return this.texts.get(uri) ?? '';
  }

  private diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]> {
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no diagnostics for ${uri} v${version} within 10 s`)), 10_000);
      this.waiting.set(uri, { version, resolve: (d) => { clearTimeout(timer); res(d); } });
    });
  }

  async open(uri: string, text: string): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    const d = this.diagnosticsFor(uri, 1);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: LANGUAGE_ID, version: 1, text } });
    return d;
  }

  /** Replaces the whole text (or applies `edits`) and waits for the new diagnostics. */
  async change(uri: string, text: string | TextEdit[]): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const full = typeof text === 'string' ? text : TextDocument.applyEdits(TextDocument.create(uri, LANGUAGE_ID, 0, this.text(uri)), text);
    this.texts.set(uri, full);
    const d = this.diagnosticsFor(uri, version);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: full }] });
    return d;
  }

  /** An incremental change (what editors send on a keystroke). */
  async edit(uri: string, range: Range, newText: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, TextDocument.applyEdits(TextDocument.create(uri, LANGUAGE_ID, 0, this.text(uri)), [{ range, newText }]));
    const d = this.diagnosticsFor(uri, version);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: newText }] });
    return d;
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r = await this.conn.sendRequest<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position });
    return Array.isArray(r) ? r : r?.items ?? [];
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  }

  codeActions(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return this.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } });
  }

  links(uri: string): Promise<DocumentLink[]> {
    return this.conn.sendRequest('textDocument/documentLink', { textDocument: { uri } });
  }

  symbols(uri: string): Promise<DocumentSymbol[]> {
    return this.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  }

  format(uri: string, options = { tabSize: 2, insertSpaces: true }): Promise<TextEdit[]> {
    return this.conn.sendRequest('textDocument/formatting', { textDocument: { uri }, options });
  }

  pointerToRange(uri: string, pointer: string): Promise<PointerRange | null> {
    return this.conn.sendRequest(PointerToRangeRequest, { uri, pointer });
  }

  /** Applies a code action's edit to the client's copy and sends it; resolves with the new diagnostics. */
  async apply(uri: string, action: CodeAction): Promise<Diagnostic[]> {
    const edits = action.edit?.changes?.[uri];
    if (!edits) throw new Error(`code action "${action.title}" has no edit for ${uri}`);
    return this.change(uri, edits);
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch { /* the server may already be gone */ }
    this.conn.dispose();
    await new Promise<void>((res) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return res();
      const t = setTimeout(() => { this.child.kill('SIGKILL'); }, 2000);
      this.child.once('exit', () => { clearTimeout(t); res(); });
    });
  }
}
