// JSON schemas of every method's params. berthd validates each request with
// ajv (validate.ts) before anything runs, so handlers may trust the shapes in
// types.ts. Schemas are closed (additionalProperties: false) and every string
// and array is bounded: a request cannot make berthd allocate much.
import type { Method } from './methods';

/**
 * runc's container id rule: letters, digits, `_ + - .`, never `/` or NUL.
 * Berth also refuses a leading `.` (so never `.` or `..`, and never the
 * hidden entries the runtime keeps in its root, such as `.locks`).
 */
export const CONTAINER_ID_PATTERN = '^[A-Za-z0-9_+-][A-Za-z0-9_+.-]{0,199}$';

type Schema = Record<string, unknown>;

const id: Schema = { type: 'string', pattern: CONTAINER_ID_PATTERN };
const session: Schema = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };
const absPath: Schema = { type: 'string', minLength: 1, maxLength: 4096, pattern: '^/[^\\u0000]*$' };
const dim: Schema = { type: 'integer', minimum: 1, maximum: 1000 };
const size: Schema = { type: 'object', required: ['rows', 'cols'], additionalProperties: false, properties: { rows: dim, cols: dim } };
const base64: Schema = { type: 'string', maxLength: 512 * 1024, pattern: '^[A-Za-z0-9+/]*={0,2}$' };
const signal: Schema = {
  oneOf: [
    { type: 'integer', minimum: 1, maximum: 64 },
    { type: 'string', pattern: '^(SIG)?[A-Z0-9+-]{2,12}$' },
  ],
};

/** A Debian or Ubuntu codename (`bookworm`) or alias (`stable`): it becomes a debootstrap argument, so no leading `-`. */
const suite: Schema = { type: 'string', pattern: '^[a-z][a-z0-9.-]{0,39}$' };
/** The archive debootstrap fetches from; a URL, never an option. */
const mirror: Schema = { type: 'string', maxLength: 2000, pattern: '^(https?|file)://[^\\s\\u0000]+$' };
const variant: Schema = { type: 'string', enum: ['minbase', 'buildd', 'fakechroot'] };

function obj(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: 'object', additionalProperties: false, required, properties };
}

/** An OCI object (process, resources) whose deep rules the runtime checks; here only bounded. */
const ociObject: Schema = { type: 'object', maxProperties: 64 };

export const paramSchemas: Record<Method, Schema> = {
  hello: obj({ protocol: { type: 'integer', minimum: 0 }, client: { type: 'string', maxLength: 200 } }, ['protocol', 'client']),
  create: obj({ id, bundle: absPath, consoleSize: size }, ['id', 'bundle']),
  run: obj({ id, bundle: absPath, consoleSize: size }, ['id', 'bundle']),
  start: obj({ id }, ['id']),
  state: obj({ id }, ['id']),
  list: obj({}),
  kill: obj({ id, signal, all: { type: 'boolean' } }, ['id']),
  delete: obj({ id, force: { type: 'boolean' } }, ['id']),
  exec: obj({ id, process: ociObject, consoleSize: size }, ['id', 'process']),
  ps: obj({ id }, ['id']),
  pause: obj({ id }, ['id']),
  resume: obj({ id }, ['id']),
  update: obj({ id, resources: ociObject }, ['id', 'resources']),
  stats: obj({ id }, ['id']),
  spec: obj({ rootless: { type: 'boolean' } }),
  features: obj({}),
  subscribe: obj({ ids: { type: 'array', maxItems: 1000, uniqueItems: true, items: id } }),
  unsubscribe: obj({ subscription: session }, ['subscription']),
  attach: obj({ id, replay: { type: 'boolean' } }, ['id']),
  write: obj({ session, data: base64 }, ['session', 'data']),
  resize: obj({ session, rows: dim, cols: dim }, ['session', 'rows', 'cols']),
  detach: obj({ session }, ['session']),
  logs: obj({ id, follow: { type: 'boolean' }, tail: { type: 'integer', minimum: 0 } }, ['id']),
  'bundle.debootstrap': obj({ dir: absPath, suite, mirror, variant }, ['dir', 'suite']),
  'bundle.cancel': obj({ job: session }, ['job']),
};
