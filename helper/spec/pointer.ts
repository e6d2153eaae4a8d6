// JSON pointers (RFC 6901): the address every finding carries, and the
// dotted form (`process.args[0]`) used in messages.

export function encodeSegment(s: string | number): string {
  if (typeof s === 'number') return String(s);
  // Fast path: the editor builds pointers for every key it passes.
  if (!s.includes('~') && !s.includes('/')) return s;
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  const segs = pointer.slice(1).split('/');
  return pointer.includes('~') ? segs.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : segs;
}

export function join(pointer: string, ...segments: (string | number)[]): string {
  let out = pointer;
  for (const s of segments) out += `/${encodeSegment(s)}`;
  return out;
}

/** `/process/args/0` → `process.args[0]`; the root is `config`. */
export function displayPath(pointer: string): string {
  const segs = decodePointer(pointer);
  if (segs.length === 0) return 'config';
  let out = '';
  for (const s of segs) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** The value at `pointer` in `doc`, or undefined. */
export function valueAt(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const s of decodePointer(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}
