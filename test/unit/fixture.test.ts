import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBundle } from '../fixtures/bundle';

test('busybox bundle fixture has a shell and a config', () => {
  const b = makeBundle(['echo', 'hi']);
  try {
    assert.ok(existsSync(join(b.rootfs, 'bin/sh')));
    const cfg = JSON.parse(readFileSync(join(b.dir, 'config.json'), 'utf8'));
    assert.deepEqual(cfg.process.args, ['echo', 'hi']);
    assert.equal(cfg.process.terminal, false);
  } finally {
    b.cleanup();
  }
});
