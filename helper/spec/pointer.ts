// JSON pointers (RFC 6901): the address every finding carries, and the
// dotted form (`process.args[0]`) used in messages.

export function encodeSegment(s: string | number): string {
  return String(s).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export const join = (pointer: string, ...segments: (string | number)[]): string =>
  pointer + segments.map((s) => `/${encodeSegment(s)}`).join('');

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
