// The Berth language server for OCI config.json files. Started by the
// extension through vscode-languageclient, or by any editor with
// `node dist/server.js --stdio`. Each capability lives in its own file; this
// one only wires them to the connection.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions } from './code-actions';
import { complete } from './completion';
import { diagnose } from './diagnostics';
import { forget } from './document';
import { formatDocument } from './formatting';
import { hover } from './hover';
import { documentLinks } from './links';
import { pointerToRange } from './pointer-request';
import { PointerToRangeRequest } from './protocol';
import { documentSymbols } from './symbols';

/** initializationOptions the client may send. */
interface Options {
  /** Check against the running kernel (capabilities, filesystems, cgroups, syscalls); default true. */
  host?: boolean;
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let options: Required<Options> = { host: true };

connection.onInitialize((params): InitializeResult => {
  const o = (params.initializationOptions ?? {}) as Options;
  options = { host: o.host ?? true };
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['"', ':', '['] },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      documentLinkProvider: { resolveProvider: false },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
    },
    serverInfo: { name: 'berth-language-server', version: '0.1.0' },
  };
});

const publish = (doc: TextDocument) => {
  connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnose(doc, options) });
};
documents.onDidChangeContent((e) => publish(e.document));
documents.onDidClose((e) => {
  forget(e.document.uri);
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

const withDoc = <P extends { textDocument: { uri: string } }, R>(f: (doc: TextDocument, p: P) => R, none: R) => (p: P): R => {
  const doc = documents.get(p.textDocument.uri);
  return doc ? f(doc, p) : none;
};

connection.onCompletion(withDoc((doc, p) => complete(doc, p.position), []));
connection.onHover(withDoc((doc, p) => hover(doc, p.position), null));
connection.onCodeAction(withDoc((doc, p) => codeActions(doc, p), []));
connection.onDocumentLinks(withDoc((doc) => documentLinks(doc), []));
connection.onDocumentSymbol(withDoc((doc) => documentSymbols(doc), []));
connection.onDocumentFormatting(withDoc((doc, p) => formatDocument(doc, p.options), []));
connection.onRequest(PointerToRangeRequest, (p) => pointerToRange(documents, p));

documents.listen(connection);
connection.listen();
