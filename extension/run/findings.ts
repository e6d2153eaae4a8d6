// Findings berthd returned for a config (same codes and words as the
// language server's) shown as diagnostics on config.json, each on the line
// of the field its JSON pointer names.
import * as vscode from 'vscode';
import type { Finding } from '../../helper/spec/finding';
import type { Ctx } from '../ctx';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Sets the diagnostics; returns the range of the first one. */
export async function showFindings(ctx: Ctx, config: vscode.Uri, findings: Finding[]): Promise<vscode.Range | undefined> {
  const doc = await vscode.workspace.openTextDocument(config);
  const diags: vscode.Diagnostic[] = [];
  for (const f of findings) {
    const range = await ctx.pointerRange(doc, f.pointer);
    const d = new vscode.Diagnostic(range, f.message, SEVERITY[f.severity] ?? vscode.DiagnosticSeverity.Error);
    d.source = 'berth run';
    d.code = f.code;
    diags.push(d);
  }
  ctx.runDiagnostics.set(config, diags);
  return diags[0]?.range;
}
