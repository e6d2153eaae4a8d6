// The container a command acts on: the tree node it was invoked on, an id
// passed by another command, or a quick pick among those in a fitting state.
import * as vscode from 'vscode';
import type { Status } from '../../helper/spec/types';
import type { ContainerInfo } from '../../helper/protocol/types';
import type { Ctx } from '../ctx';
import { description } from '../containers/present';

export async function pickContainer(ctx: Ctx, arg: unknown, allowed: Status[] | 'any', verb: string): Promise<ContainerInfo | undefined> {
  const id = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && 'id' in arg ? String((arg as { id: unknown }).id) : undefined;
  if (id) {
    const c = ctx.model.get(id);
    if (c) return c;
    try {
      return await ctx.conn.request('state', { id });
    } catch (e) {
      void vscode.window.showErrorMessage(`${verb} ${id}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
  const candidates = ctx.model.all().filter((c) => allowed === 'any' || allowed.includes(c.status));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`${verb}: no container${allowed === 'any' ? '' : ` is ${allowed.join(' or ')}`}`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    candidates.map((c) => ({ label: c.id, description: description(c), detail: c.bundle, c })),
    { title: `${verb}: which container?` },
  );
  return pick?.c;
}
