// One parsed config.json: the jsonc-parser tree (positions), the plain value
// (for validation), parse errors and the file's indentation, recomputed only
// when the document version changes.
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export interface Parsed {
  version: number;
  text: string;
  root: Node | undefined;
  value: unknown;
  errors: { offset: number; length: number; message: string }[];
  indent: { insertSpaces: boolean; tabSize: number };
}

const cache = new Map<string, Parsed>();

export function parsed(doc: TextDocument): Parsed {
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit;
  const p = parseText(doc.getText(), doc.version);
  cache.set(doc.uri, p);
  return p;
}

export function forget(uri: string): void {
  cache.delete(uri);
}

export function parseText(text: string, version = 0): Parsed {
  const errs: ParseError[] = [];
  // config.json is strict JSON: runtimes reject comments and trailing commas.
  const root = parseTree(text, errs, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return {
    version,
    text,
    root,
    value: root ? getNodeValue(root) : undefined,
    errors: errs.map((e) => ({ offset: e.offset, length: Math.max(1, e.length), message: parseMessage(printParseErrorCode(e.error)) })),
    indent: detectIndent(text) ?? { insertSpaces: false, tabSize: 4 },
  };
}

function parseMessage(code: string): string {
  // InvalidSymbol → "invalid symbol"
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The file's own indentation (runc writes tabs, most editors spaces); undefined when no line is indented. */
export function detectIndent(text: string): { insertSpaces: boolean; tabSize: number } | undefined {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return undefined;
  if (m[1].startsWith('\t')) return { insertSpaces: false, tabSize: 4 };
  return { insertSpaces: true, tabSize: m[1].length };
}
