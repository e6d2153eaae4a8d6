// Formatting with jsonc-parser, keeping the file's own indentation (runc
// writes tabs): the editor's tab settings apply only to a file with no
// indented line yet.
import { format } from 'jsonc-parser';
import type { FormattingOptions, TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { detectIndent } from './document';

export function formatDocument(doc: TextDocument, editor: FormattingOptions): TextEdit[] {
  const text = doc.getText();
  const style = detectIndent(text) ?? { insertSpaces: editor.insertSpaces, tabSize: editor.tabSize };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return format(text, undefined, { ...style, eol, insertFinalNewline: text.endsWith('\n') }).map((e) => ({
    range: { start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + e.length) },
    newText: e.content,
  }));
}
