// Diagnostics for one document: parse errors, then the findings of
// validateConfig (schema, semantic and host rules) pinned to their ranges,
// then uses of deprecated fields. Every diagnostic has source "berth" and a
// stable code; `data` carries the finding's quick fix.
import { visit } from 'jsonc-parser';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import type { Finding } from '../../helper/spec/finding';
import { UNKNOWN_KEY } from '../../helper/spec/schema-findings';
import { validateConfig } from '../../helper/spec/validate';
import { parsed } from './document';
import { pointerRange } from './ranges';
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
  const out: Diagnostic[] = p.errors.map((e) => ({
    range: { start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + e.length) },
    severity: DiagnosticSeverity.Error, source: SOURCE, code: PARSE_CODE, message: e.message,
  }));
  if (!p.root || out.length > 0) return out;
  for (const f of validateConfig(p.value, { bundleDir: bundleDirOf(doc.uri), host: opts.host })) out.push(toDiagnostic(doc, p.root, f));
  out.push(...deprecations(doc));
  return out;
}

function toDiagnostic(doc: TextDocument, root: import('jsonc-parser').Node, f: Finding): Diagnostic {
  return {
    range: pointerRange(doc, root, f.pointer, f.code === UNKNOWN_KEY),
    severity: SEVERITY[f.severity],
    source: SOURCE,
    code: f.code,
    message: f.message,
    ...(f.code === UNKNOWN_KEY ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    data: { pointer: f.pointer, fix: f.data },
  };
}

/** Keys whose schema says `deprecated`, found with one pass of jsonc-parser's visitor. */
function deprecations(doc: TextDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc.getText(), {
    onObjectProperty(name, offset, length, _l, _c, pathSupplier) {
      const path = [...pathSupplier(), name];
      // Only the few deprecated paths are worth a lookup: skip anything outside hooks and linux.resources.memory.
      if (!(path[0] === 'hooks' || (path[0] === 'linux' && path[1] === 'resources'))) return;
      const s = schemaAt(path)?.schema;
      if (s?.deprecated === true) {
        out.push({
          range: { start: doc.positionAt(offset), end: doc.positionAt(offset + length) },
          severity: DiagnosticSeverity.Information, source: SOURCE, code: DEPRECATED_CODE, tags: [DiagnosticTag.Deprecated],
          message: String(s.deprecationMessage ?? `${path.join('.')} is deprecated`),
        });
      }
    },
  }, { disallowComments: true });
  return out;
}
