// The committed validators and schema files in helper/spec/generated/ must be
// what helper/spec/schema/generate.ts produces from the schema sources today.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate, GENERATED_DIR } from '../../helper/spec/schema/generate';

test('helper/spec/generated is up to date (else run: npx tsx helper/spec/schema/generate.ts)', () => {
  const files = generate();
  assert.ok(Object.keys(files).length >= 5);
  for (const [name, text] of Object.entries(files)) {
    assert.equal(readFileSync(join(GENERATED_DIR, name), 'utf8'), text, `${name} is stale`);
  }
});
