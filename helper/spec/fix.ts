// What a quick fix does, carried in a finding's `data` so that the editor
// never re-derives what the rule knew. Pointers are JSON pointers into the
// config; the language server turns each into a text edit with jsonc-parser.

export type Fix =
  /** Replace the value at the finding's pointer. */
  | { kind: 'replace-value'; title: string; value: unknown }
  /** Rename the key the finding's pointer ends in. */
  | { kind: 'rename-key'; title: string; key: string }
  /** Delete the array item or property at `pointer`. */
  | { kind: 'remove'; title: string; pointer: string }
  /** Append `value` to the array at `pointer`, creating the array (and its parents) when absent. */
  | { kind: 'append'; title: string; pointer: string; value: unknown };

export const isFix = (d: unknown): d is Fix =>
  typeof d === 'object' && d !== null && typeof (d as { kind?: unknown }).kind === 'string' && typeof (d as { title?: unknown }).title === 'string';
