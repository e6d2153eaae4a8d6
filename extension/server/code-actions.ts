// Quick fixes: each diagnostic whose finding carried a Fix (in `data`)
// becomes one code action, its edit computed with jsonc-parser so that the
// file's indentation is kept.
import { findNodeAtLocation, modify, type Node } from 'jsonc-parser';
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isFix, type Fix } from '../../helper/spec/fix';
import { parsed } from './document';
import { pathOf } from './ranges';
import { SOURCE } from './diagnostics';

export function codeActions(doc: TextDocument, params: CodeActionParams): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== SOURCE) continue;
    const data = d.data as { pointer?: string; fix?: unknown } | undefined;
    if (!data || typeof data.pointer !== 'string' || !isFix(data.fix)) continue;
    const edits = editsFor(doc, data.pointer, data.fix);
    if (edits.length === 0) continue;
    out.push({ title: data.fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [doc.uri]: edits } } });
  }
  return out;
}

export function editsFor(doc: TextDocument, pointer: string, fix: Fix): TextEdit[] {
  const p = parsed(doc);
  if (!p.root) return [];
  const formattingOptions = { ...p.indent, eol: p.text.includes('\r\n') ? '\r\n' : '\n' };
  const toTextEdits = (edits: { offset: number; length: number; content: string }[]): TextEdit[] =>
    edits.map((e) => ({ range: { start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + e.length) }, newText: e.content }));
  switch (fix.kind) {
    case 'replace-value':
      return toTextEdits(modify(p.text, pathOf(p.root, pointer), fix.value, { formattingOptions }));
    case 'remove':
      return toTextEdits(modify(p.text, pathOf(p.root, fix.pointer), undefined, { formattingOptions }));
    case 'append':
      return toTextEdits(modify(p.text, [...pathOf(p.root, fix.pointer), -1], fix.value, { formattingOptions, isArrayInsertion: true }));
    case 'rename-key': {
      const value: Node | undefined = findNodeAtLocation(p.root, pathOf(p.root, pointer));
      const key = value?.parent?.type === 'property' ? value.parent.children![0] : undefined;
      if (!key) return [];
      return [{ range: { start: doc.positionAt(key.offset), end: doc.positionAt(key.offset + key.length) }, newText: JSON.stringify(fix.key) }];
    }
  }
}
