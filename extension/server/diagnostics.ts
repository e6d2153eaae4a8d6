// Diagnostics for one document: parse errors, then the findings of
// validateConfig (schema, semantic and host rules) pinned to their ranges,
// then uses of deprecated fields. Every diagnostic has source "berth" and a
// stable code; `data` carries the finding's quick fix.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { UNKNOWN_KEY } from '../../helper/spec/schema-findings';
import { validateConfig } from '../../helper/spec/validate';
import { parsed } from './document';
import { locate, spanOf } from './locate';
import { join, valueAt } from '../../helper/spec/pointer';
import { schemaAt } from './schema-nav';

export const SOURCE = 'berth';
export const PARSE_CODE = 'json/parse';
export const DEPRECATED_CODE = 'spec/deprecated';

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
  const deprecated = DEPRECATED.filter((d) => valueAt(p.value, d.pointer) !== undefined);
  if (findings.length === 0 && deprecated.length === 0) return [];
  const spans = locate(p.text, [...findings.map((f) => f.pointer), ...deprecated.map((d) => d.pointer)]);
  const out: Diagnostic[] = findings.map((f) => {
    const s = spanOf(spans, f.pointer, f.code === UNKNOWN_KEY);
    return {
      range: range(s.offset, s.length),
      severity: SEVERITY[f.severity],
      source: SOURCE,
      code: f.code,
      message: f.message,
      ...(f.code === UNKNOWN_KEY ? { tags: [DiagnosticTag.Unnecessary] } : {}),
      data: { pointer: f.pointer, fix: f.data },
    };
  });
  for (const d of deprecated) {
    const s = spanOf(spans, d.pointer, true);
    out.push({ range: range(s.offset, s.length), severity: DiagnosticSeverity.Information, source: SOURCE, code: DEPRECATED_CODE, tags: [DiagnosticTag.Deprecated], message: d.message });
  }
  return out;
}

/** Every field the schema marks deprecated, as a pointer (array items as one `*`-free path each). */
const DEPRECATED: { pointer: string; message: string }[] = (() => {
  const out: { pointer: string; message: string }[] = [];
  const walk = (path: string[], depth: number) => {
    const s = schemaAt(path)?.schema;
    if (!s || depth > 6) return;
    if (s.deprecated === true) out.push({ pointer: join('', ...path), message: String(s.deprecationMessage ?? `${path.join('.')} is deprecated`) });
    for (const k of Object.keys((s.properties as object | undefined) ?? {})) walk([...path, k], depth + 1);
  };
  walk([], 0);
  return out;
})();
