// exec exits 255 when it cannot start the process, as runc does (its
// callers tell "exec failed" from "the process exited 1" that way): no such
// container, no such binary, a --pid-file in a missing directory. The
// process's own status still comes through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longRunningFixture } from './container';

const f = longRunningFixture();

test('exec: 255 when the process cannot start, its own status otherwise', () => {
  assert.equal(f.runner.run(['run', '-d', '--bundle', f.bundle.write(), 'ex']).status, 0);
  const id = f.runner.id('ex');
  assert.equal(f.runner.run(['exec', id, 'false']).status, 1);
  assert.equal(f.runner.run(['exec', id, 'sh', '-c', 'exit 42']).status, 42);
  for (const args of [['--pid-file', '/non-existent/directory', id, 'true'], [id, 'no-such-binary'], ['no_such_container', 'true']]) {
    const res = f.runner.run(['exec', ...args]);
    assert.equal(res.status, 255, `exec ${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, /level=error/);
  }
});
