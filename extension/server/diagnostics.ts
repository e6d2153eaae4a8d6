// Diagnostics for one document: parse errors, else the findings of
// validateConfig (schema, semantic and host rules, deprecated fields) pinned
// to their ranges, with the code and severity `berth create` gives them.
// Every diagnostic has source "berth" and a stable code; `data` carries the
// finding's quick fix.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { UNKNOWN_KEY } from '../../helper/spec/schema-findings';
import { validateConfig } from '../../helper/spec/validate';
import { parsed } from './document';
import { locate, spanOf } from './locate';
import { DEPRECATED_CODE } from '../../helper/spec/rules/deprecated';

export const SOURCE = 'berth';
export const PARSE_CODE = 'json/parse';
/** Codes shown with a tag (faded, struck through); their range is the key, not the value. */
const TAGS: Record<string, DiagnosticTag> = { [UNKNOWN_KEY]: DiagnosticTag.Unnecessary, [DEPRECATED_CODE]: DiagnosticTag.Deprecated };

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function bundleDirOf(uri: string): string | undefined {
  return uri.startsWith('file:') ? dirname(fileURLToPath(uri)) : undefined;
}

export function diagnose(doc: TextDocument, opts: { host: boolean }): Diagnostic[] {
  const p = parsed(doc);
  const range = (offset: number, length: number) => ({ start: doc.positionAt(offset), end: doc.positionAt(offset + length) });
  if (!p.valid) {
    const errors = p.errors.length > 0 ? p.errors : [{ offset: 0, length: 1, message: 'not a JSON document' }];
    return errors.map((e) => ({ range: range(e.offset, e.length), severity: DiagnosticSeverity.Error, source: SOURCE, code: PARSE_CODE, message: e.message }));
  }
  const findings = validateConfig(p.value, { bundleDir: bundleDirOf(doc.uri), host: opts.host });
  if (findings.length === 0) return [];
  const spans = locate(p.text, findings.map((f) => f.pointer));
  return findings.map((f) => {
    const s = spanOf(spans, f.pointer, TAGS[f.code] !== undefined);
    return {
      range: range(s.offset, s.length),
      severity: SEVERITY[f.severity],
      source: SOURCE,
      code: f.code,
      message: f.message,
      ...(TAGS[f.code] ? { tags: [TAGS[f.code]] } : {}),
      data: { pointer: f.pointer, fix: f.data },
    };
  });
}
