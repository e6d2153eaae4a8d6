// `berth-state:/<id>.json`: a container's state as berthd reports it, as a
// read-only virtual document (fetched each time the document is opened or
// refreshed).
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

export const STATE_SCHEME = 'berth-state';

export function stateUri(id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: STATE_SCHEME, path: `/${id}.json` });
}

export class StateDocuments implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly ctx: Ctx) {
    ctx.push(
      this.emitter,
      // A lifecycle change re-renders an open state document.
      ctx.model.onDidChange((c) => {
        for (const doc of vscode.workspace.textDocuments) {
          if (doc.uri.scheme !== STATE_SCHEME) continue;
          const id = idOf(doc.uri);
          if (!c.ids || c.ids.includes(id)) this.emitter.fire(doc.uri);
        }
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = idOf(uri);
    try {
      const info = await this.ctx.conn.request('state', { id });
      return JSON.stringify(info, null, 2) + '\n';
    } catch (e) {
      return `// state of ${id} unavailable: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }
}

function idOf(uri: vscode.Uri): string {
  return uri.path.replace(/^\//, '').replace(/\.json$/, '');
}
