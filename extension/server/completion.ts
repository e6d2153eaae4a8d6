// Completion: keys of the object under the cursor (with their description
// and a snippet of the value's shape), values from enums and suggestion
// lists (capabilities, mount types and options, rlimits, seccomp names),
// syscall names from libseccomp, and whole-block snippets.
import { findNodeAtLocation, findNodeAtOffset, getLocation, type Node } from 'jsonc-parser';
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Position, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Schema } from '../../helper/spec/schema/build';
import { syscallNames } from '../../helper/spec/host/facts';
import { parsed } from './document';
import { deref, schemaAt, typeName, valueChoices, type Segment } from '../../helper/spec/schema-nav';
import { BLOCK_SNIPPETS, pathKey } from './snippets';

export function complete(doc: TextDocument, position: Position): CompletionItem[] {
  const p = parsed(doc);
  const offset = doc.offsetAt(position);
  const loc = getLocation(p.text, offset);
  const here = p.root ? findNodeAtOffset(p.root, offset, true) : undefined;
  const inString = here?.type === 'string' && offset > here.offset && offset < here.offset + here.length ? here : undefined;
  const replace: Range | undefined = inString ? { start: doc.positionAt(inString.offset), end: doc.positionAt(inString.offset + inString.length) } : undefined;
  if (loc.isAtPropertyKey) return keyItems(p.root, loc.path.slice(0, -1), inString, replace);
  return valueItems(loc.path, replace);
}

function keyItems(root: Node | undefined, objPath: Segment[], keyNode: Node | undefined, replace: Range | undefined): CompletionItem[] {
  const located = schemaAt(objPath);
  const props = located?.schema.properties as Record<string, Schema> | undefined;
  const items: CompletionItem[] = [];
  const obj = root ? (objPath.length === 0 ? root : findNodeAtLocation(root, objPath)) : undefined;
  const present = new Set((obj?.children ?? []).map((c) => c.children?.[0]?.value as string));
  const hasValue = keyNode?.parent?.type === 'property' && (keyNode.parent.children?.length ?? 0) > 1;
  for (const [key, raw] of Object.entries(props ?? {})) {
    if (present.has(key) && key !== keyNode?.value) continue;
    const s = deref(raw);
    const text = hasValue ? `"${key}"` : `"${key}": ${valueSnippet(s)}`;
    items.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: typeName(s),
      documentation: { kind: MarkupKind.Markdown, value: String(s.markdownDescription ?? '') },
      insertTextFormat: InsertTextFormat.Snippet,
      ...(s.deprecated ? { tags: [1] } : {}),
      ...(replace ? { textEdit: { range: replace, newText: text } } : { insertText: text }),
      filterText: `"${key}"`,
    });
  }
  for (const b of BLOCK_SNIPPETS) {
    if (b.at !== pathKey(objPath)) continue;
    items.push({ label: b.label, kind: CompletionItemKind.Snippet, detail: b.detail, insertTextFormat: InsertTextFormat.Snippet, ...(replace ? { textEdit: { range: replace, newText: b.body } } : { insertText: b.body }) });
  }
  return items;
}

function valueItems(path: Segment[], replace: Range | undefined): CompletionItem[] {
  const located = schemaAt(path);
  const items: CompletionItem[] = [];
  const quoted = (v: string) => JSON.stringify(v);
  if (located) {
    const s = located.schema;
    for (const c of valueChoices(s)) {
      items.push({
        label: c.value, kind: CompletionItemKind.EnumMember, detail: c.description,
        documentation: c.description ? { kind: MarkupKind.Markdown, value: c.description } : undefined,
        ...(replace ? { textEdit: { range: replace, newText: quoted(c.value) } } : { insertText: quoted(c.value) }),
        filterText: quoted(c.value),
      });
    }
    if (s.type === 'boolean') for (const b of ['true', 'false']) items.push({ label: b, kind: CompletionItemKind.Value, insertText: b });
    if (s.default !== undefined && typeof s.default !== 'string' && !Array.isArray(s.default)) {
      items.push({ label: JSON.stringify(s.default), kind: CompletionItemKind.Value, detail: 'default', insertText: JSON.stringify(s.default) });
    }
  }
  const key = pathKey(path);
  if (key === 'linux.seccomp.syscalls.*.names.*') {
    for (const name of syscallNames()) items.push({ label: name, kind: CompletionItemKind.Function, detail: 'syscall', ...(replace ? { textEdit: { range: replace, newText: quoted(name) } } : { insertText: quoted(name) }), filterText: quoted(name) });
  }
  if (typeof path.at(-1) === 'number') {
    for (const b of BLOCK_SNIPPETS) {
      if (b.at !== pathKey(path.slice(0, -1))) continue;
      items.push({ label: b.label, kind: CompletionItemKind.Snippet, detail: b.detail, insertTextFormat: InsertTextFormat.Snippet, insertText: b.body });
    }
  }
  return items;
}

/** The shape of a value as a snippet: `"$1"`, `${1|true,false|}`, `[$1]`, `{$1}`, an enum as a choice. */
export function valueSnippet(s: Schema): string {
  const choices = valueChoices(s).map((c) => c.value);
  if (Array.isArray(s.enum) && choices.length > 0) return `"\${1|${choices.map(escapeChoice).join(',')}|}"`;
  if (s.default !== undefined && typeof s.default === 'string') return `"\${1:${escape(s.default)}}"`;
  switch (s.type) {
    case 'string': return '"$1"';
    case 'boolean': return `\${1|${s.default === true ? 'true,false' : 'false,true'}|}`;
    case 'integer': case 'number': return `\${1:${typeof s.default === 'number' ? s.default : 0}}`;
    case 'array': return '[$1]';
    case 'object': return '{$1}';
    default: return '$1';
  }
}

const escape = (t: string) => t.replace(/[$}\\]/g, '\\$&');
const escapeChoice = (t: string) => t.replace(/[$}\\,|]/g, '\\$&');
