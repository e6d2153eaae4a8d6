// Finds the part of Berth's config schema that describes a location in the
// document, for the editor's completion and hover and for the list of
// deprecated fields that schema/generate.ts writes. Follows $ref into $defs
// and the applicators the schema uses (properties, items, prefixItems,
// additionalProperties, patternProperties), and remembers the nearest spec link.
import type { Schema } from './schema/build';
import { configSchema } from './schema/config';

export type Segment = string | number;

export interface Located {
  schema: Schema;
  /** Spec section of the schema or of its nearest ancestor that has one. */
  specLink?: string;
}

const defs = configSchema.$defs as Record<string, Schema>;

export function deref(s: Schema): Schema {
  let cur = s;
  for (let i = 0; i < 10 && typeof cur.$ref === 'string'; i++) {
    const target = defs[cur.$ref.replace('#/$defs/', '')];
    if (!target) break;
    // Keep the local description: `$ref` siblings describe this use of the shared shape.
    const { $ref: _ref, ...local } = cur;
    cur = { ...target, ...local };
  }
  return cur;
}

function child(s: Schema, seg: Segment): Schema | undefined {
  const props = s.properties as Record<string, Schema> | undefined;
  if (typeof seg === 'string' && props && Object.hasOwn(props, seg)) return props[seg];
  if (typeof seg === 'number') {
    const prefix = s.prefixItems as Schema[] | undefined;
    if (prefix?.[seg]) return prefix[seg];
    if (s.items && typeof s.items === 'object') return s.items as Schema;
    return undefined;
  }
  if (s.additionalProperties && typeof s.additionalProperties === 'object') return s.additionalProperties as Schema;
  const pattern = s.patternProperties as Record<string, Schema> | undefined;
  if (pattern) {
    for (const [re, sub] of Object.entries(pattern)) if (new RegExp(re).test(seg)) return sub;
  }
  return undefined;
}

export function schemaAt(path: readonly Segment[]): Located | undefined {
  let s = deref(configSchema);
  let specLink = s.specLink as string | undefined;
  for (const seg of path) {
    const next = child(s, seg);
    if (!next) return undefined;
    s = deref(next);
    if (typeof s.specLink === 'string') specLink = s.specLink;
  }
  return { schema: s, specLink };
}

/** The described values of a string schema: enum members or suggestions, with their descriptions. */
export function valueChoices(s: Schema): { value: string; description: string }[] {
  if (Array.isArray(s.enum)) {
    const d = (s.markdownEnumDescriptions as string[] | undefined) ?? [];
    return s.enum.map((v, i) => ({ value: String(v), description: d[i] ?? '' }));
  }
  if (Array.isArray(s.examples)) {
    const d = (s.suggestionDescriptions as Record<string, string> | undefined) ?? {};
    return s.examples.map((v) => ({ value: typeof v === 'string' ? v : JSON.stringify(v), description: d[String(v)] ?? '' }));
  }
  return [];
}

export const typeName = (s: Schema): string => (typeof s.type === 'string' ? s.type : Array.isArray(s.enum) ? 'string' : 'value');
