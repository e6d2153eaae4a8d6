// `berth features` and `berth --version`: valid against the runtime-spec
// features schema, and listing what the runtime really does.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { BERTH, ensureBuilt, ROOT_DIR } from './harness';

const SCHEMA_DIR = join(ROOT_DIR, '../shared/reference/runtime-spec-schema');

before(() => ensureBuilt());

test('features is valid against the features schema and names our namespaces and hooks', () => {
  const ajv = new Ajv({ strict: false });
  for (const f of ['defs.json', 'defs-linux.json', 'features-linux.json']) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')), f);
  const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMA_DIR, 'features-schema.json'), 'utf8')));
  const doc: { linux: { namespaces: string[] }; hooks: string[]; mountOptions: string[] } = JSON.parse(execFileSync(BERTH, ['features'], { encoding: 'utf8' }));
  assert.ok(validate(doc), JSON.stringify(validate.errors));
  assert.deepEqual([...doc.linux.namespaces].sort(), ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts']);
  assert.ok(doc.hooks.includes('createContainer'));
  assert.ok(doc.mountOptions.includes('rbind') && doc.mountOptions.includes('nosymfollow'));
});
