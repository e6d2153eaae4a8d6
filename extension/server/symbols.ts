// Outline: every key as a symbol, array items named by what identifies them
// (a mount by its destination, a namespace by its type, …).
import type { Node } from 'jsonc-parser';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parsed } from './document';

const ITEM_NAME_KEYS = ['destination', 'type', 'path', 'names', 'name'];

export function documentSymbols(doc: TextDocument): DocumentSymbol[] {
  const p = parsed(doc);
  if (p.root?.type !== 'object') return [];
  return children(doc, p.root);
}

function children(doc: TextDocument, node: Node): DocumentSymbol[] {
  if (node.type === 'object') {
    return (node.children ?? []).filter((prop) => prop.children?.length === 2).map((prop) => symbol(doc, String(prop.children![0].value), prop, prop.children![0], prop.children![1]));
  }
  if (node.type === 'array') {
    return (node.children ?? []).map((item, i) => symbol(doc, itemName(item, i), item, item, item));
  }
  return [];
}

function symbol(doc: TextDocument, name: string, whole: Node, selection: Node, value: Node): DocumentSymbol {
  const r = (n: Node) => ({ start: doc.positionAt(n.offset), end: doc.positionAt(n.offset + n.length) });
  return {
    name: name || '""',
    detail: value.type === 'object' || value.type === 'array' ? undefined : String(value.value),
    kind: KIND[value.type],
    range: r(whole),
    selectionRange: r(selection),
    children: children(doc, value),
  };
}

function itemName(item: Node, i: number): string {
  if (item.type !== 'object') return item.type === 'string' ? String(item.value) : `[${i}]`;
  for (const k of ITEM_NAME_KEYS) {
    const prop = item.children?.find((c) => c.children?.[0]?.value === k);
    const v = prop?.children?.[1];
    if (v?.type === 'string') return v.value as string;
    if (v?.type === 'array' && v.children?.[0]?.type === 'string') return `${String(v.children[0].value)}${v.children.length > 1 ? ', …' : ''}`;
  }
  return `[${i}]`;
}

const KIND: Record<Node['type'], SymbolKind> = {
  object: SymbolKind.Object, array: SymbolKind.Array, string: SymbolKind.String, number: SymbolKind.Number,
  boolean: SymbolKind.Boolean, null: SymbolKind.Null, property: SymbolKind.Property,
};
