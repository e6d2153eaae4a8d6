// Fields the schema marks deprecated (hooks.prestart, the kernel memory
// limits), found in the config: an info finding each, with the schema's own
// deprecation message.
import type { Finding } from '../finding';
import { join, valueAt } from '../pointer';
import { schemaAt } from '../schema-nav';
import type { Rule } from './rule';

export const DEPRECATED_CODE = 'spec/deprecated';

/** Every field the schema marks deprecated, as a pointer (array items as one `*`-free path each). */
const DEPRECATED: { pointer: string; message: string }[] = (() => {
  const out: { pointer: string; message: string }[] = [];
  const walk = (path: string[], depth: number) => {
    const s = schemaAt(path)?.schema;
    if (!s || depth > 6) return;
    if (s.deprecated === true) out.push({ pointer: join('', ...path), message: String(s.deprecationMessage ?? `${path.join('.')} is deprecated`) });
    for (const k of Object.keys((s.properties as object | undefined) ?? {})) walk([...path, k], depth + 1);
  };
  walk([], 0);
  return out;
})();

export const deprecatedFields: Rule = {
  codes: [DEPRECATED_CODE],
  check({ config: c }): Finding[] {
    return DEPRECATED.filter((d) => valueAt(c, d.pointer) !== undefined)
      .map((d) => ({ pointer: d.pointer, code: DEPRECATED_CODE, severity: 'info', message: d.message }));
  },
};
