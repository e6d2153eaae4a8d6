// `--debug exec` logs what exec does at debug level, in runc's log format, on
// stderr or in the --log file (runc's callers and exec.bats look for
// level=debug lines there); without --debug there are none.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { longRunningFixture } from './container';

const f = longRunningFixture();

test('--debug exec writes level=debug lines to stderr, or to --log only; none without --debug', () => {
  assert.equal(f.runner.run(['run', '-d', '--bundle', f.bundle.write(), 'dbg']).status, 0);
  const id = f.runner.id('dbg');
  const plain = f.runner.run(['exec', id, 'true']);
  assert.equal(plain.status, 0, plain.stderr);
  assert.doesNotMatch(plain.stderr, /level=debug/);
  const debug = f.runner.run(['exec', id, 'true'], { globals: ['--debug'] });
  assert.equal(debug.status, 0, debug.stderr);
  assert.match(debug.stderr, /level=debug msg="exec: process started" id="[^"]+" pid=\d+/);
  assert.match(debug.stderr, /level=debug msg="exec: process exited" .*code=0/);
  const logFile = join(f.bundle.dir, 'log.out');
  const logged = f.runner.run(['exec', id, 'true'], { globals: ['--debug', '--log', logFile] });
  assert.equal(logged.status, 0, logged.stderr);
  assert.doesNotMatch(logged.stderr, /level=debug/);
  assert.match(readFileSync(logFile, 'utf8'), /level=debug msg="exec: starting the process"/);
});
