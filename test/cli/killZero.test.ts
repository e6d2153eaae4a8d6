// `kill` takes signal 0 (kill(2)'s "does it exist" test) and, with --all,
// succeeds on a stopped container (nothing is left to signal), as runc's
// kill does; runc's kill.bats and its callers rely on both.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longRunningFixture } from './container';
import { alive, until } from '../runtime/harness';

const f = longRunningFixture();

test('kill ID 0 and kill -a ID 0 on a running container; kill -a ID 0 on a stopped one; plain kill of a stopped one fails', async () => {
  assert.equal(f.runner.run(['run', '-d', '--bundle', f.bundle.write(), 'k0']).status, 0);
  const { pid } = f.runner.state('k0');
  const z = f.runner.run(['kill', 'k0', '0']);
  assert.equal(z.status, 0, z.stderr);
  const za = f.runner.run(['kill', '-a', 'k0', '0']);
  assert.equal(za.status, 0, za.stderr);
  assert.ok(alive(pid), 'signal 0 must not hurt');
  assert.equal(f.runner.state('k0').status, 'running');
  assert.equal(f.runner.run(['kill', 'k0', 'KILL']).status, 0);
  await until(() => f.runner.state('k0').status === 'stopped', 10_000, 'stopped');
  const stopped = f.runner.run(['kill', '-a', 'k0', '0']);
  assert.equal(stopped.status, 0, stopped.stderr);
  assert.notEqual(f.runner.run(['kill', 'k0', 'TERM']).status, 0, 'a plain kill of a stopped container is an error, as runc');
  assert.notEqual(f.runner.run(['kill', '-a', 'k0', 'NOPE']).status, 0, 'a bad signal is an error even when stopped');
});
