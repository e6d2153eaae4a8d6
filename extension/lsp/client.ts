// The language client for `oci-config` documents: it starts dist/server.js
// (extension/server, bundled by esbuild) in its own Node process over IPC.
// The server checks config.json as the user types with the same rules as
// `berth create`.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';

export const OCI_CONFIG_LANGUAGE = 'oci-config';

export function createLanguageClient(extension: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient | undefined {
  const module = extension.asAbsolutePath('dist/server.js');
  if (!fs.existsSync(module)) {
    log.warn(`language server missing at ${module}: config.json is not checked as you type`);
    return undefined;
  }
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: OCI_CONFIG_LANGUAGE }],
    outputChannel: vscode.window.createOutputChannel('Berth Language Server', { log: true }),
    synchronize: { configurationSection: 'berth' },
  };
  return new LanguageClient('berth.languageServer', 'Berth Language Server', serverOptions, clientOptions);
}
