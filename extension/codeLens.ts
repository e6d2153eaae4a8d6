// "Run Bundle" at the top of a bundle's config.json.
import * as path from 'node:path';
import * as vscode from 'vscode';

export class RunBundleLens implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (path.basename(doc.uri.fsPath) !== 'config.json' || !/"ociVersion"\s*:/.test(doc.getText().slice(0, 4096))) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '$(play) Run Bundle', command: 'berth.runBundle', arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: 'Reveal in Berth', command: 'berth.containers.focus' }),
    ];
  }
}
