// One config.json as the server sees it, per document version: the plain
// value from the engine's JSON.parse (fast, and exactly what a runtime
// accepts), and — only when something needs positions of the whole tree
// (completion, hover, links, outline, fixes) or the text does not parse —
// jsonc-parser's tree and errors.
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export interface Parsed {
  version: number;
  text: string;
  /** The document's value; from jsonc-parser's error-tolerant tree when the text is not valid JSON. */
  value: unknown;
  /** Whether the text is strict JSON (what runtimes accept). */
  valid: boolean;
  /** jsonc-parser's tree, built on first use. */
  readonly root: Node | undefined;
  readonly errors: { offset: number; length: number; message: string }[];
  /** The file's indentation, for edits (detected on first use). */
  readonly indent: { insertSpaces: boolean; tabSize: number };
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
  let tree: { root: Node | undefined; errors: Parsed['errors'] } | undefined;
  const full = () => {
    if (tree) return tree;
    const errs: ParseError[] = [];
    // config.json is strict JSON: runtimes reject comments and trailing commas.
    const root = parseTree(text, errs, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    tree = { root, errors: errs.map((e) => ({ offset: e.offset, length: Math.max(1, e.length), message: parseMessage(printParseErrorCode(e.error)) })) };
    return tree;
  };
  let value: unknown;
  let valid = true;
  try {
    value = JSON.parse(text);
  } catch {
    valid = false;
    const r = full().root;
    value = r ? getNodeValue(r) : undefined;
  }
  return {
    version, text, value, valid,
    get root() { return full().root; },
    get errors() { return valid ? [] : full().errors; },
    get indent() { return detectIndent(text) ?? { insertSpaces: false, tabSize: 4 }; },
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
