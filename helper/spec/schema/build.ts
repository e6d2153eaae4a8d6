// Small builders for the JSON schema, so that every field is written as one
// line: its shape, its markdownDescription (required by the builders' types,
// so no field can go undescribed) and, for sections, the spec link that hover
// shows. Objects are closed (`additionalProperties: false`): an unknown key
// is reported, as a warning, by validate.ts.

export type Schema = { [k: string]: unknown };

const SPEC = 'https://github.com/opencontainers/runtime-spec/blob/v1.3.0/';

/** Link to a section of the runtime-spec at the version Berth implements. */
export const link = (doc: string, anchor: string): string => `${SPEC}${doc}#${anchor}`;

export const str = (md: string, extra: Schema = {}): Schema => ({ type: 'string', markdownDescription: md, ...extra });
export const bool = (md: string, dflt?: boolean): Schema => ({ type: 'boolean', markdownDescription: md, ...(dflt === undefined ? {} : { default: dflt }) });
export const ref = (def: string, md: string, extra: Schema = {}): Schema => ({ $ref: `#/$defs/${def}`, markdownDescription: md, ...extra });
export const strings = (md: string, extra: Schema = {}): Schema => ({ type: 'array', items: { type: 'string' }, markdownDescription: md, ...extra });
export const arr = (md: string, items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, markdownDescription: md, ...extra });

export interface ObjOptions {
  required?: string[];
  /** Spec section shown by hover on this object and every key inside without a link of its own. */
  specLink?: string;
  extra?: Schema;
}

export function obj(md: string, properties: Record<string, Schema>, o: ObjOptions = {}): Schema {
  return {
    type: 'object',
    markdownDescription: md,
    ...(o.specLink ? { specLink: o.specLink } : {}),
    properties,
    ...(o.required?.length ? { required: o.required } : {}),
    additionalProperties: false,
    ...o.extra,
  };
}

/** An object whose keys are free (like annotations) and whose values have one shape. */
export const map = (md: string, value: Schema, extra: Schema = {}): Schema => ({
  type: 'object', markdownDescription: md, additionalProperties: value, ...extra,
});

/** A string enum whose members each carry a description (shown by completion and hover). */
export function names(md: string, list: readonly (readonly [string, string, ...unknown[]])[] | readonly string[], extra: Schema = {}): Schema {
  const entries = list.map((e) => (typeof e === 'string' ? [e, ''] as const : [e[0], e[1]] as const));
  return {
    type: 'string',
    markdownDescription: md,
    enum: entries.map(([n]) => n),
    markdownEnumDescriptions: entries.map(([, d]) => d),
    ...extra,
  };
}

/** Like names() but the list only suggests: any string validates (the set is open or checked by a rule). */
export function suggested(md: string, list: readonly (readonly [string, string, ...unknown[]])[], extra: Schema = {}): Schema {
  return {
    type: 'string',
    markdownDescription: md,
    examples: list.map(([n]) => n),
    suggestionDescriptions: Object.fromEntries(list.map(([n, d]) => [n, d])),
    ...extra,
  };
}

/** Keywords Berth adds for the editor; ajv is told they carry no validation. */
export const ANNOTATION_KEYWORDS = ['markdownDescription', 'markdownEnumDescriptions', 'specLink', 'suggestionDescriptions', 'defaultSnippets', 'deprecationMessage'];
