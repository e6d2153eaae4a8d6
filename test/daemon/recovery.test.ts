// Recovery of a half-done create whose container lock is an empty file (an
// older berth killed between making the lock and filling it; locks are now
// written whole and linked into place, helper/runtime/lock.ts): the empty
// lock must not hold the restarted berthd for the lock's 10 s timeout.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Store } from '../../helper/runtime/store';
import { cleanupDir, makeDir, startBerthd } from './harness';

test('an empty container lock is taken over at recovery; berthd listens at once', async (t) => {
  const dir = makeDir();
  t.after(() => cleanupDir(dir));
  let b = await startBerthd(dir);
  await b.stop();
  const id = `lk${process.pid}`;
  const recordDir = join(b.root, 'berthd@', 'containers', id);
  mkdirSync(recordDir, { recursive: true });
  // The create had claimed the id (its state directory, by identity): recovery must take the lock to undo it.
  mkdirSync(join(b.root, id));
  const stateDir = new Store(b.root).identity(id);
  writeFileSync(join(recordDir, 'record.json'), JSON.stringify({ id, created: new Date().toISOString(), terminal: false, intent: 'create', defaultCgroup: true, stateDir }));
  mkdirSync(join(b.root, '.locks'), { recursive: true });
  writeFileSync(join(b.root, '.locks', id), '');
  const t0 = Date.now();
  b = await b.restart(); // throws when berthd does not listen within 5 s
  const ms = Date.now() - t0;
  t.after(() => b.stop());
  assert.ok(ms < 3000, `listening ${ms} ms after start (the lock's own timeout is 10 s)`);
  assert.ok(!existsSync(recordDir), 'the half-done record was undone');
  assert.ok(!existsSync(join(b.root, id)), 'and its state directory');
  assert.ok(!existsSync(join(b.root, '.locks', id)), 'the empty lock is gone');
});
