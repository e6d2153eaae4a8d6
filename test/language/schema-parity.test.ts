// Parity with the official runtime-spec v1.3.0 schema: Berth's schema must
// accept what the official one accepts and reject what it rejects, over the
// official fixtures, configs made live by runc and crun, berth's own
// defaults, and every single-field mutation of those (a value of the wrong
// type, a key removed). Only two differences are allowed, both deliberate:
// unknown keys are warnings (config.md: runtimes ignore them), and
// process.user.uid/gid are required (the spec says REQUIRED, the official
// schema forgets it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultSpec } from '../../helper/spec/default';
import { join as ptr } from '../../helper/spec/pointer';
import { isValid, schemaCheck, type DocumentKind } from '../../helper/spec/validate';
import { FIXTURES_DIR, officialValidators, referenceMissing } from './reference';

const missing = referenceMissing();
if (missing) throw new Error(missing);
const official = officialValidators();
const ours = (kind: DocumentKind) => (doc: unknown) => isValid(schemaCheck(doc, kind));

/** Keys the spec marks REQUIRED that the official schema does not. */
const STRICTER = new Set(['/process/user/uid', '/process/user/gid']);

function generated(cmd: string, args: string[]): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'berth-parity-'));
  try {
    execFileSync(cmd, [...args], { cwd: dir, stdio: 'pipe' });
    return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Mutation { pointer: string; what: string; doc: unknown }

/** Every single-field change: each value replaced by one of another type, each key deleted. */
function* mutations(doc: unknown, pointer = '', root = doc): Generator<Mutation> {
  if (doc === null || typeof doc !== 'object') return;
  const entries: [string | number, unknown][] = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : Object.entries(doc);
  for (const [k, v] of entries) {
    const at = ptr(pointer, k);
    const wrong = typeof v === 'string' ? 42 : typeof v === 'number' ? (Number.isInteger(v) ? 'x' : 1) : typeof v === 'boolean' ? 'true' : Array.isArray(v) ? {} : v === null ? 1 : [];
    yield { pointer: at, what: `wrong type at ${at}`, doc: replaceAt(root, at, wrong) };
    if (typeof v === 'number' && Number.isInteger(v)) yield { pointer: at, what: `fraction at ${at}`, doc: replaceAt(root, at, v + 0.5) };
    if (!Array.isArray(doc)) yield { pointer: at, what: `no ${at}`, doc: replaceAt(root, at, undefined) };
    yield* mutations(v, at, root);
  }
}

function replaceAt(root: unknown, pointer: string, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string, unknown>;
  const segs = pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur: Record<string, unknown> = copy;
  for (const s of segs.slice(0, -1)) cur = cur[s] as Record<string, unknown>;
  const last = segs.at(-1)!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

function assertParity(kind: DocumentKind, name: string, doc: unknown): number {
  const mine = ours(kind);
  const theirs = official[kind];
  assert.equal(mine(doc), theirs(doc), `${name}: ours ${mine(doc) ? 'accepts' : 'rejects'}, official ${theirs(doc) ? 'accepts' : 'rejects'}: ${JSON.stringify(schemaCheck(doc, kind))}`);
  let n = 0;
  for (const m of mutations(doc)) {
    n++;
    const o = theirs(m.doc);
    const deliberate = kind === 'config' && STRICTER.has(m.pointer) && m.what.startsWith('no ');
    if (deliberate) assert.equal(mine(m.doc), false, `${name}, ${m.what}: uid/gid are REQUIRED by the spec`);
    else assert.equal(mine(m.doc), o, `${name}, ${m.what}: official ${o ? 'accepts' : 'rejects'}, ours ${JSON.stringify(schemaCheck(m.doc, kind))}`);
  }
  return n;
}

const fixtures = (dir: string) => readdirSync(join(FIXTURES_DIR, dir)).filter((f) => f.endsWith('.json')).sort();

test('official good fixtures: both accept, and agree on every single-field mutation', () => {
  let n = 0;
  for (const f of fixtures('good')) {
    const doc = JSON.parse(readFileSync(join(FIXTURES_DIR, 'good', f), 'utf8'));
    assert.equal(official.config(doc), true, `${f} should be valid for the official schema`);
    n += assertParity('config', f, doc);
  }
  assert.ok(n > 500, `only ${n} mutations`);
});

test('official bad fixtures: both reject', () => {
  for (const f of fixtures('bad')) {
    const text = readFileSync(join(FIXTURES_DIR, 'bad', f), 'utf8');
    let doc: unknown;
    try { doc = JSON.parse(text); } catch { continue; /* invalid-json.json: not JSON, rejected before any schema */ }
    assert.equal(official.config(doc), false, `${f} should be invalid for the official schema`);
    assert.equal(ours('config')(doc), false, `${f}: ours accepts it`);
  }
});

const live: [string, string, string[]][] = [
  ['runc spec', 'runc', ['spec']],
  ['runc spec --rootless', 'runc', ['spec', '--rootless']],
  ['crun spec', 'crun', ['spec']],
  ['crun spec --rootless', 'crun', ['spec', '--rootless']],
];
for (const [name, cmd, args] of live) {
  test(`${name}: both accept, and agree on every single-field mutation`, () => {
    assertParity('config', name, generated(cmd, args));
  });
}

test('berth defaultSpec() and its rootless variant: both accept, and agree on every mutation', () => {
  assertParity('config', 'defaultSpec()', defaultSpec());
  assertParity('config', 'defaultSpec({rootless})', defaultSpec({ rootless: true, uid: 1000, gid: 1000 }));
});

test('features from `runc features` and a state document: parity with the official schemas', () => {
  assertParity('features', 'runc features', JSON.parse(execFileSync('runc', ['features'], { encoding: 'utf8' })));
  assertParity('state', 'state', { ociVersion: '1.3.0', id: 'c1', status: 'running', pid: 42, bundle: '/b', annotations: { a: 'b' } });
});

test('a typo is a warning for Berth where the official schema sees nothing', () => {
  const doc = { ...defaultSpec(), domainnme: 'x' } as unknown;
  assert.equal(official.config(doc), true);
  const f = schemaCheck(doc);
  assert.deepEqual(f.map((x) => [x.code, x.severity, x.pointer]), [['spec/unknown-key', 'warning', '/domainnme']]);
  assert.match(f[0].message, /did you mean `domainname`/);
});
