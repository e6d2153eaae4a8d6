// `berth-logs:/<id>.log`: the output berthd kept for a container without a
// terminal, as a read-only document that follows new lines while it is open
// (one `logs --follow` session per open document, detached when it closes).
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { settings } from '../config';
import type { Ctx } from '../ctx';

export const LOGS_SCHEME = 'berth-logs';

export function logsUri(id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: LOGS_SCHEME, path: `/${id}.log` });
}

interface Followed {
  text: string;
  session?: string;
  decoder: StringDecoder;
  pending?: NodeJS.Timeout;
}

export class LogsDocuments implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly docs = new Map<string, Followed>();

  constructor(private readonly ctx: Ctx) {
    ctx.push(
      this.emitter,
      ctx.conn.onOutput((o) => {
        for (const [key, f] of this.docs) {
          if (f.session !== o.session) continue;
          f.text += f.decoder.write(Buffer.from(o.data, 'base64'));
          // Coalesce bursts: one re-render per 100 ms at most.
          f.pending ??= setTimeout(() => {
            f.pending = undefined;
            this.emitter.fire(vscode.Uri.parse(key));
          }, 100);
        }
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        const key = doc.uri.toString();
        const f = this.docs.get(key);
        if (!f) return;
        this.docs.delete(key);
        clearTimeout(f.pending);
        if (f.session) void ctx.conn.request('detach', { session: f.session }).catch(() => undefined);
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const key = uri.toString();
    const have = this.docs.get(key);
    if (have) return have.text;
    const id = uri.path.replace(/^\//, '').replace(/\.log$/, '');
    try {
      const r = await this.ctx.conn.request('logs', { id, follow: true });
      const f: Followed = { text: '', decoder: new StringDecoder('utf8'), session: r.session };
      f.text = lastLines(f.decoder.write(Buffer.from(r.data, 'base64')), settings().logLines);
      this.docs.set(key, f);
      return f.text;
    } catch (e) {
      return `logs of ${id} unavailable: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }
}

function lastLines(text: string, n: number): string {
  if (n <= 0) return text;
  const lines = text.split('\n');
  // A trailing newline leaves an empty last element that is not a line.
  const extra = lines.at(-1) === '' ? 1 : 0;
  return lines.length - extra <= n ? text : lines.slice(-(n + extra)).join('\n');
}
