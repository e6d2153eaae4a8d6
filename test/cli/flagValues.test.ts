// A value-taking flag takes the next word whatever it looks like, as runc's
// flag parsing does: `update --memory-swap -1`, `--cpu-quota -1` (runc's
// callers and its bats tests pass them so). util.parseArgs alone called
// them ambiguous.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinFlagValues } from '../../helper/cli/verb';
import { verb as update } from '../../helper/cli/update';
import { BERTH, ensureBuilt, Runner } from '../runtime/harness';

test('joinFlagValues joins a string flag with a dashed value, long or short, and stops at --', () => {
  const opts = { 'memory-swap': { type: 'string' as const }, resources: { type: 'string' as const, short: 'r' }, all: { type: 'boolean' as const, short: 'a' } };
  assert.deepEqual(joinFlagValues(['--memory-swap', '-1', 'id'], opts), ['--memory-swap=-1', 'id']);
  assert.deepEqual(joinFlagValues(['-r', '-', 'id'], opts), ['--resources=-', 'id']);
  assert.deepEqual(joinFlagValues(['-a', '-r', 'x'], opts), ['-a', '-r', 'x']);
  assert.deepEqual(joinFlagValues(['--memory-swap', '5', '--', '--memory-swap', '-1'], opts), ['--memory-swap', '5', '--', '--memory-swap', '-1']);
  assert.ok(update.options['cpu-quota']);
});

test('berth update --memory-swap -1 and --cpu-quota -1 are parsed (the error is about the container)', () => {
  ensureBuilt();
  const r = new Runner(BERTH);
  try {
    for (const flag of ['--memory-swap', '--cpu-quota']) {
      const res = r.run(['update', flag, '-1', 'no-such-container']);
      assert.notEqual(res.status, 0);
      assert.doesNotMatch(res.stderr, /ambiguous|flag/i, res.stderr);
      assert.match(res.stderr, /no-such-container/, res.stderr);
    }
  } finally {
    r.cleanup();
  }
});
