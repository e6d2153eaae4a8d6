// JSON pointer → jsonc-parser path, for edits made with jsonc-parser's
// modify(): array indices must be numbers there, object keys strings.
import { findNodeAtLocation, type Node } from 'jsonc-parser';
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
