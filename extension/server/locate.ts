// Finds where JSON pointers sit in a text with one pass of jsonc-parser's
// visitor: subtrees no pointer goes into are skipped, and the pass stops as
// soon as every pointer is found. Diagnostics need positions only for their
// findings, so a clean or nearly clean file never pays for a full syntax tree.
import { visit } from 'jsonc-parser';
import { decodePointer, encodeSegment, join } from '../../helper/spec/pointer';

export interface Span {
  /** The value: for objects and arrays only its first character is known (`length` 1). */
  offset: number;
  length: number;
  /** The property key (with its quotes), when the value is a property's. */
  key?: { offset: number; length: number };
  container: boolean;
}

const DONE = Symbol('all pointers found');

interface Frame { pointer: string; array: boolean; index: number; key?: { name: string; offset: number; length: number } }

/** Spans of every pointer given and of each of their ancestors (for pointers past the document). */
export function locate(text: string, pointers: Iterable<string>): Map<string, Span> {
  const wanted = new Set<string>(['']);
  for (const p of pointers) {
    // Every ancestor too: its prefixes in the pointer text are exactly the ancestors' pointers.
    for (let i = p.indexOf('/', 1); i > 0; i = p.indexOf('/', i + 1)) wanted.add(p.slice(0, i));
    wanted.add(p);
  }
  const found = new Map<string, Span>();
  const stack: Frame[] = [];
  const childPointer = (): { pointer: string; key?: Span['key'] } => {
    const top = stack.at(-1);
    if (!top) return { pointer: '' };
    if (top.array) return { pointer: `${top.pointer}/${top.index++}` };
    return { pointer: `${top.pointer}/${encodeSegment(top.key?.name ?? '')}`, key: top.key && { offset: top.key.offset, length: top.key.length } };
  };
  const record = (pointer: string, span: Span) => {
    if (!wanted.has(pointer)) return;
    found.set(pointer, span);
    if (found.size === wanted.size) throw DONE;
  };
  const begin = (array: boolean) => (offset: number) => {
    const { pointer, key } = childPointer();
    record(pointer, { offset, length: 1, key, container: true });
    stack.push({ pointer, array, index: 0 });
    // Skip the children of a subtree no pointer enters.
    return wanted.has(pointer);
  };
  try {
    visit(text, {
      onObjectBegin: begin(false),
      onArrayBegin: begin(true),
      onObjectEnd: () => void stack.pop(),
      onArrayEnd: () => void stack.pop(),
      onObjectProperty: (name, offset, length) => { stack.at(-1)!.key = { name, offset, length }; },
      onLiteralValue: (_v, offset, length) => {
        const { pointer, key } = childPointer();
        record(pointer, { offset, length, key, container: false });
      },
    }, { disallowComments: true });
  } catch (e) {
    if (e !== DONE) throw e;
  }
  return found;
}

/**
 * Where to show a pointer: a scalar's value, an object's or array's key (a
 * multi-line squiggle helps nobody), the key itself when `onKey`, and for a
 * pointer past the document the deepest existing ancestor's key.
 */
export function spanOf(found: Map<string, Span>, pointer: string, onKey = false): { offset: number; length: number } {
  const segs = decodePointer(pointer);
  for (let n = segs.length; n >= 0; n--) {
    const s = found.get(join('', ...segs.slice(0, n)));
    if (!s) continue;
    const exact = n === segs.length;
    if (s.key && (onKey || !exact || s.container)) return s.key;
    // A missing member of the root object (`process`, `ociVersion`): its opening brace, not the whole document.
    if (!exact) return { offset: s.offset, length: 1 };
    return { offset: s.offset, length: s.length };
  }
  return { offset: 0, length: 1 };
}
