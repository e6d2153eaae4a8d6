// Where a JSON pointer (`/process/args/0`) lands in a config.json document.
// The language server answers this for open documents (its pointer→range
// request); this local jsonc-parser walk is the fallback when the server is
// not running, and both agree on the rule: the value's range, or the
// nearest existing parent's when the pointer names something missing.
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

export interface OffsetRange {
  start: number;
  end: number;
}

export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

export function rangeOfPointer(text: string, pointer: string): OffsetRange | undefined {
  const root = parseTree(text);
  if (!root) return undefined;
  const path = pointerSegments(pointer);
  for (let n = path.length; n >= 0; n--) {
    const node: Node | undefined = findNodeAtLocation(root, path.slice(0, n));
    if (!node) continue;
    // For a property value, underline the whole `"key": value` when it is
    // the value itself that is missing further down.
    const target = n < path.length && node.parent?.type === 'property' ? node.parent : node;
    return { start: target.offset, end: target.offset + target.length };
  }
  return undefined;
}
