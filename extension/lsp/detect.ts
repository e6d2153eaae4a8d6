// Which documents are OCI configs. package.json's `firstLine` pattern only
// catches one-line configs; runc and `berth spec` write `{` alone on line 1,
// so a `json` document named config.json whose top-level object has an
// `ociVersion` key is switched to `oci-config` here (the decision is
// written down in extension/server/README.md). Other config.json files stay
// JSON.
import * as vscode from 'vscode';
import { OCI_CONFIG_LANGUAGE } from './client';
import { looksLikeOciConfig } from './ociConfig';

async function adopt(doc: vscode.TextDocument): Promise<void> {
  if (doc.languageId !== 'json' || !looksLikeOciConfig(doc.fileName, doc.getText())) return;
  await vscode.languages.setTextDocumentLanguage(doc, OCI_CONFIG_LANGUAGE);
}

export function detectOciConfigs(log: vscode.LogOutputChannel): vscode.Disposable {
  const run = (doc: vscode.TextDocument) => adopt(doc).catch((e: unknown) => log.warn(`language of ${doc.fileName}: ${e instanceof Error ? e.message : String(e)}`));
  for (const doc of vscode.workspace.textDocuments) void run(doc);
  return vscode.workspace.onDidOpenTextDocument((doc) => void run(doc));
}
