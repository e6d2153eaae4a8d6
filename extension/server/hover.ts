// Hover: for a key, what the field means, its type and default, and a link
// to the spec section; for a value from a described list (a capability, a
// mount option, a seccomp action), what that value does.
import { findNodeAtOffset, getNodePath } from 'jsonc-parser';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parsed } from './document';
import { schemaAt, typeName, valueChoices } from '../../helper/spec/schema-nav';

export function hover(doc: TextDocument, position: Position): Hover | null {
  const p = parsed(doc);
  if (!p.root) return null;
  const node = findNodeAtOffset(p.root, doc.offsetAt(position), false);
  if (!node) return null;
  const isKey = node.parent?.type === 'property' && node.parent.children?.[0] === node;
  const path = getNodePath(node);
  const located = schemaAt(path);
  if (!located) return null;
  const s = located.schema;
  const parts: string[] = [];
  if (!isKey && node.type === 'string') {
    const choices = valueChoices(s);
    const value = String(node.value);
    // `size=64m` is described by the `size=…` suggestion: compare what comes before `=`.
    const choice = choices.find((c) => c.value === value) ?? (value.includes('=') ? choices.find((c) => c.value.split('=')[0] === value.split('=')[0]) : undefined);
    if (choice?.description) parts.push(`**${value}**: ${choice.description}`, '');
  }
  const name = path.length ? String(path.filter((x) => typeof x === 'string').at(-1) ?? 'item') : 'config.json';
  if (isKey || parts.length === 0 || node.type !== 'string') {
    parts.push(`**${name}** · \`${typeName(s)}\`${s.deprecated ? ' · **deprecated**' : ''}`, '', String(s.markdownDescription ?? ''));
    if (s.default !== undefined) parts.push('', `Default: \`${JSON.stringify(s.default)}\``);
  }
  if (located.specLink) parts.push('', `[runtime-spec: ${specTitle(located.specLink)}](${located.specLink})`);
  const range = { start: doc.positionAt(node.offset), end: doc.positionAt(node.offset + node.length) };
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n') }, range };
}

function specTitle(url: string): string {
  const [file, anchor] = url.split('/').pop()!.split('#');
  return anchor ? `${file} § ${anchor.replace(/-/g, ' ')}` : file;
}
