// berth/pointerToRange: the range of a JSON pointer reported by the runtime,
// in an open document or, when the file is not open, in the file on disk.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { PointerRange, PointerToRangeParams } from './protocol';
import { locate, spanOf } from './locate';
import { LANGUAGE_ID } from './protocol';

export function pointerToRange(documents: TextDocuments<TextDocument>, params: PointerToRangeParams): PointerRange | null {
  let doc = documents.get(params.uri);
  if (!doc) {
    if (!params.uri.startsWith('file:')) return null;
    let text: string;
    try { text = readFileSync(fileURLToPath(params.uri), 'utf8'); } catch { return null; }
    doc = TextDocument.create(params.uri, LANGUAGE_ID, -1, text);
  }
  const text = doc.getText();
  const found = locate(text, [params.pointer]);
  if (!found.has('')) return null;
  const s = spanOf(found, params.pointer);
  return { start: doc.positionAt(s.offset), end: doc.positionAt(s.offset + s.length) };
}
