// The walkthrough this project started from: `runc spec`, then run. runc
// 1.1.5 writes ambient capabilities with no inheritable set, which the kernel
// will not raise; runc and crun run the container without them, and so must
// berth, warning at create about each one. runc runs the same bundle (its own
// --root) as the reference for what the process ends up holding.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Spec } from '../../helper/spec/types';
import { makeRootfs } from '../fixtures/bundle';
import { ensureBuilt, hasRunc, runcPath, Runner } from './harness';

let dir: string;
let berth: Runner;
let runc: Runner;

before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'berth-runc-spec-'));
  berth = new Runner();
  runc = new Runner(runcPath(), 'runc');
});

after(() => {
  berth?.cleanup();
  runc?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const capLines = (out: string) => out.split('\n').filter((l) => l.startsWith('Cap')).join('\n');

test('runc spec + berth run: ambient caps that cannot be raised are left out with a warning each, and the caps match runc', (t) => {
  if (!hasRunc()) return t.skip('runc is not installed');
  execFileSync(runcPath(), ['spec'], { cwd: dir });
  makeRootfs(join(dir, 'rootfs'));
  const path = join(dir, 'config.json');
  const spec = JSON.parse(readFileSync(path, 'utf8')) as Spec;
  // What runc 1.1.5 writes (the case at hand); a later runc may differ, and then this test says so.
  assert.deepEqual(spec.process!.capabilities!.ambient, ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']);
  assert.equal(spec.process!.capabilities!.inheritable, undefined);
  spec.process!.terminal = false;
  spec.process!.args = ['grep', '^Cap', '/proc/self/status'];
  writeFileSync(path, JSON.stringify(spec, null, '\t'));

  const b = berth.run(['run', '-b', dir, 'runcspec']);
  assert.equal(b.status, 0, b.stderr);
  for (const cap of spec.process!.capabilities!.ambient!) {
    assert.match(b.stderr, new RegExp(`\`${cap}\` is not raised into the ambient set`), `no warning naming ${cap}: ${b.stderr}`);
  }
  const r = runc.run(['run', '-b', dir, 'runcspec']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(capLines(b.stdout), capLines(r.stdout));
  assert.match(capLines(b.stdout), /CapAmb:\t0000000000000000/);
  // AUDIT_WRITE (29), KILL (5), NET_BIND_SERVICE (10).
  assert.match(capLines(b.stdout), /CapEff:\t0000000020000420/);
});

test('the same bundle with inheritable set: the ambient caps are raised, as runc raises them', (t) => {
  if (!hasRunc()) return t.skip('runc is not installed');
  const path = join(dir, 'config.json');
  const spec = JSON.parse(readFileSync(path, 'utf8')) as Spec;
  spec.process!.capabilities!.inheritable = [...spec.process!.capabilities!.ambient!];
  writeFileSync(path, JSON.stringify(spec, null, '\t'));
  const b = berth.run(['run', '-b', dir, 'runcspec-inh']);
  assert.equal(b.status, 0, b.stderr);
  assert.doesNotMatch(b.stderr, /not raised/);
  const r = runc.run(['run', '-b', dir, 'runcspec-inh']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(capLines(b.stdout), capLines(r.stdout));
  assert.match(capLines(b.stdout), /CapAmb:\t0000000020000420/);
});
