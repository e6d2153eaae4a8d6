// The conformance tooling's own logic, without running the suite: TAP
// parsing, comparison by name, the runc flag shim, the libmount stand-in,
// and the benchmark's order statistics.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { quantile } from '../../bench/lifecycle/stats';
import { difference, splitName } from '../../conformance/compare';
import type { SuiteResult } from '../../conformance/results';
import { PYTHON, testName } from '../../conformance/suite';
import { parseTap } from '../../conformance/tap';

test('parseTap reads pass, fail and #SKIP lines and the plan', () => {
  const tap = parseTap('1..4\nok 1 - pid\nnot ok 2 - pid-user\nok 3 - tty #SKIP\nnoise\nok 4 - a b c\n');
  assert.equal(tap.planned, 4);
  assert.deepEqual(tap.tests, [
    { name: 'pid', outcome: 'pass' },
    { name: 'pid-user', outcome: 'fail' },
    { name: 'tty', outcome: 'skip' },
    { name: 'a b c', outcome: 'pass' },
  ]);
  assert.equal(parseTap('').planned, undefined);
});

test('test names round-trip between program/test and the program file', () => {
  assert.equal(testName('test_delete.py', 'simple-delete'), 'delete/simple-delete');
  assert.deepEqual(splitName('preserve_fds/preserve-fds-0'), ['test_preserve_fds.py', 'preserve-fds-0']);
});

test('difference compares by name; a test never run counts as not passed', () => {
  const result = (runtime: string, tests: SuiteResult['programs'][0]['tests']): SuiteResult => ({
    runtime, runtimePath: runtime, version: '', seconds: 0,
    programs: [{ program: 'test_x.py', tests, seconds: 0, timedOut: false, exitCode: 0, leftovers: [] }],
  });
  const runc = result('runc', { 'x/a': 'pass', 'x/b': 'pass', 'x/c': 'fail', 'x/d': 'pass' });
  const berth = result('berth', { 'x/a': 'pass', 'x/b': 'fail', 'x/c': 'pass' });
  assert.deepEqual(difference(runc, berth), { onlyRef: ['x/b', 'x/d'], onlyOther: ['x/c'] });
});

test('crun-flags-shim.sh drops --cgroup-manager and --config, maps systemd, keeps the rest in order', () => {
  const shim = join(__dirname, '../../conformance/crun-flags-shim.sh');
  const via = (...args: string[]) => execFileSync(shim, args, { env: { ...process.env, CONFORMANCE_RUNTIME: '/bin/echo' }, encoding: 'utf8' }).trim();
  assert.equal(via('--cgroup-manager', 'cgroupfs', '--root', '/a b', 'run', '--config', 'config.json', '--detach', 'id'), '--root /a b run --detach id');
  assert.equal(via('--cgroup-manager', 'systemd', 'run', 'id'), '--systemd-cgroup run id');
});

test('the libmount stand-in finds the topmost mount on a target and splits per-mount from superblock options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-libmount-'));
  try {
    const info = join(dir, 'mountinfo');
    writeFileSync(info, [
      '22 1 0:20 / /var/dir rw,nosuid - tmpfs tmpfs rw,size=10k',
      '23 22 0:21 / /var/dir ro,nodev,relatime shared:5 - tmpfs tmpfs rw,sync',
      '24 1 0:22 / /with\\040space rw - tmpfs none rw',
      '',
    ].join('\n'));
    const py = `import sys; sys.path.insert(0, ${JSON.stringify(join(__dirname, '../../conformance/pylib'))}); import libmount
t = libmount.Table(${JSON.stringify(info)}); m = t.find_target('/var/dir'); s = t.find_target('/with space')
print(m.vfs_options, m.fs_options, s.fstype, t.find_target('/nope'))`;
    assert.equal(execFileSync(PYTHON, ['-c', py], { encoding: 'utf8' }).trim(), 'ro,nodev,relatime rw,sync tmpfs None');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('quantile is nearest-rank: p95 of 20 samples is the 19th smallest, the median of 4 the 2nd', () => {
  const xs = Array.from({ length: 20 }, (_, i) => 20 - i);
  assert.equal(quantile(xs, 0.95), 19);
  assert.equal(quantile([4, 1, 3, 2], 0.5), 2);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});
