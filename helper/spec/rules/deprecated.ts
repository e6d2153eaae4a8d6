// Fields the schema marks deprecated (hooks.prestart, the kernel memory
// limits), found in the config: an info finding each, with the schema's own
// deprecation message. The list is generated from the schema
// (schema/generate.ts), so the runtime does not carry the annotated schema.
import type { Finding } from '../finding';
import { DEPRECATED } from '../generated/deprecated';
import { valueAt } from '../pointer';
import type { Rule } from './rule';

export const DEPRECATED_CODE = 'spec/deprecated';

export const deprecatedFields: Rule = {
  codes: [DEPRECATED_CODE],
  check({ config: c }): Finding[] {
    return DEPRECATED.filter((d) => valueAt(c, d.pointer) !== undefined)
      .map((d) => ({ pointer: d.pointer, code: DEPRECATED_CODE, severity: 'info', message: d.message }));
  },
};
