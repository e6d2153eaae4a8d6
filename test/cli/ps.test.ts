// `ps <id> [ps options]`: everything after the id is ps(1)'s, as runc's
// (`ps ID -e -x`, runc's ps.bats); and a stopped container has no
// processes: the header alone (table) or [] (json), status 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longRunningFixture } from './container';
import { until } from '../runtime/harness';
import { restAfter } from '../../helper/cli/verb';

const f = longRunningFixture();

test('restAfter: flags before the id are ours, everything after it is passed on', () => {
  const opts = { format: { type: 'string' as const, short: 'f' } };
  assert.deepEqual(restAfter(['-f', 'json', 'id', '-e', '-x'], opts, 1), ['-f', 'json', 'id', '--', '-e', '-x']);
  assert.deepEqual(restAfter(['id', '--', '-o', 'pid'], opts, 1), ['id', '--', '-o', 'pid']);
  assert.deepEqual(restAfter(['id'], opts, 1), ['id']);
});

test('ps ID -e -x lists the container processes; ps of a stopped container prints the header only', async () => {
  assert.equal(f.runner.run(['run', '-d', '--bundle', f.bundle.write(), 'ps']).status, 0);
  const id = f.runner.id('ps');
  const { pid } = f.runner.state('ps');
  const ex = f.runner.run(['ps', id, '-e', '-x']);
  assert.equal(ex.status, 0, ex.stderr);
  assert.match(ex.stdout.split('\n')[0], /PID/);
  assert.ok(ex.stdout.split('\n').slice(1).some((l) => l.trim().split(/\s+/)[0] === String(pid)), ex.stdout);
  const dd = f.runner.run(['ps', id, '--', '-o', 'pid,comm']);
  assert.equal(dd.status, 0, dd.stderr);
  assert.ok(dd.stdout.includes(String(pid)), dd.stdout);
  assert.equal(f.runner.run(['kill', 'ps', 'KILL']).status, 0);
  await until(() => f.runner.state('ps').status === 'stopped', 10_000, 'stopped');
  const t = f.runner.run(['ps', id]);
  assert.equal(t.status, 0, t.stderr);
  assert.equal(t.stdout.trim().split('\n').length, 1, t.stdout);
  assert.match(t.stdout, /PID/);
  const j = f.runner.run(['ps', '--format', 'json', id]);
  assert.equal(j.status, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout), []);
});
