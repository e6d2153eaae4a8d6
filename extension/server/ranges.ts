// JSON pointer → range in the text. Diagnostics and berth/pointerToRange use
// it: a value's range when the pointer names a scalar, the key when it names
// an object or array (a multi-line squiggle helps nobody), the deepest
// existing ancestor's key when the pointer goes past what the document has.
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import type { Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { decodePointer } from '../../helper/spec/pointer';

export type Segment = string | number;

/** Pointer segments as jsonc-parser paths want them: array indices as numbers. */
export function pathOf(root: Node, pointer: string): Segment[] {
  const out: Segment[] = [];
  let node: Node | undefined = root;
  for (const s of decodePointer(pointer)) {
    const seg: Segment = node?.type === 'array' && /^\d+$/.test(s) ? Number(s) : s;
    out.push(seg);
    node = node ? findNodeAtLocation(node, [seg]) : undefined;
  }
  return out;
}

/** The node the pointer names or its deepest existing ancestor, and whether it is the exact one. */
export function nodeAt(root: Node, pointer: string): { node: Node; exact: boolean } {
  const path = pathOf(root, pointer);
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n));
    if (node) return { node, exact: n === path.length };
  }
  return { node: root, exact: false };
}

export function rangeOf(doc: TextDocument, node: Node, preferKey: boolean): Range {
  const prop = node.parent?.type === 'property' ? node.parent : undefined;
  const target = prop && (preferKey || node.type === 'object' || node.type === 'array') ? prop.children![0] : node;
  return { start: doc.positionAt(target.offset), end: doc.positionAt(target.offset + (target === node && (node.type === 'object' || node.type === 'array') ? 1 : target.length)) };
}

/** Range for a finding: keys for unknown-key findings, values otherwise. */
export function pointerRange(doc: TextDocument, root: Node, pointer: string, onKey = false): Range {
  const { node, exact } = nodeAt(root, pointer);
  return rangeOf(doc, node, onKey || !exact);
}
