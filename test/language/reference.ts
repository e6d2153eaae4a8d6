// Loads the official runtime-spec v1.3.0 schema from ../shared/reference
// (reference data: read at test and bench time, never copied into the repo)
// with ajv-draft-04, patching in memory the one broken $ref of that tag.
import Ajv04 from 'ajv-draft-04';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REFERENCE = resolve(__dirname, '..', '..', '..', 'shared', 'reference');
export const SCHEMA_DIR = join(REFERENCE, 'runtime-spec-schema');
export const FIXTURES_DIR = join(REFERENCE, 'runtime-spec-fixtures');

export function referenceMissing(): string | undefined {
  return existsSync(SCHEMA_DIR) ? undefined : `official schema not found at ${SCHEMA_DIR}: CI checks out ../shared beside the repository`;
}

/** Every official schema file, parsed, with defs.json's `#definitions/uint32` fixed to `#/definitions/uint32`. */
export function officialSchemaFiles(): Record<string, object> {
  const out: Record<string, object> = {};
  for (const f of readdirSync(SCHEMA_DIR).filter((n) => n.endsWith('.json'))) {
    let text = readFileSync(join(SCHEMA_DIR, f), 'utf8');
    if (f === 'defs.json') text = text.replace('"#definitions/uint32"', '"#/definitions/uint32"');
    out[f] = JSON.parse(text);
  }
  return out;
}

export type Check = (doc: unknown) => boolean;

export function officialValidators(): { config: Check; state: Check; features: Check } {
  const ajv = new Ajv04({ allErrors: false, strict: false });
  for (const [name, schema] of Object.entries(officialSchemaFiles())) ajv.addSchema(schema, name);
  const get = (n: string): Check => {
    const v = ajv.getSchema(n)!;
    return (d) => v(d) as boolean;
  };
  return { config: get('config-schema.json'), state: get('state-schema.json'), features: get('features-schema.json') };
}
