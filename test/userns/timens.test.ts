// Time namespaces with nanosecond offsets (made by the init, helper/runtime/
// timens.ts): the container's /proc/self/timens_offsets holds secs and
// nanosecs as configured, its boot-time clock (/proc/uptime, 10 ms steps) is
// the host's plus the offset to the quarter second, `berth exec` enters the
// same time namespace before `start` (when the init is still outside it) and
// after, and a config with only a time namespace needs no trampoline (the
// init is the spawned node, not unshare(1)'s child).
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { makeBundle } from '../fixtures/bundle';
import { ensureBuilt, Runner } from '../runtime/harness';

const OFFSETS = { monotonic: { secs: 1000, nanosecs: 500_000_000 }, boottime: { secs: 86400, nanosecs: 250_000_000 } };
const uptime = (text: string) => Number(text.trim().split(/\s+/)[0]);

test('timeOffsets with nanoseconds: exact offsets inside, the boot-time clock moved by 86400.25 s, exec joins before and after start', (t) => {
  ensureBuilt();
  const r = new Runner();
  const bundle = makeBundle(['sleep', '1000'], (s) => {
    s.linux!.namespaces!.push({ type: 'time' });
    s.linux!.timeOffsets = OFFSETS;
  });
  t.after(() => {
    r.cleanup();
    bundle.cleanup();
  });
  const c = r.run(['create', '--bundle', bundle.dir, 'timens']);
  assert.equal(c.status, 0, c.stderr);
  const pid = r.state('timens').pid;
  // A forking unshare(1) would stay the init's parent for the container's life.
  const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  assert.notEqual(readFileSync(`/proc/${ppid}/comm`, 'utf8').trim(), 'unshare', 'no trampoline above the init');

  const inside = (what: string) => {
    const e = r.run(['exec', r.id('timens'), '--', 'sh', '-c', 'readlink /proc/self/ns/time; cat /proc/self/timens_offsets']);
    assert.equal(e.status, 0, `exec ${what}: ${e.stderr}`);
    const [ns, ...offsets] = e.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    return { ns, offsets };
  };
  const before = inside('before start');
  assert.deepEqual(before.offsets, ['monotonic 1000 500000000', 'boottime 86400 250000000']);
  assert.notEqual(before.ns, readlinkSync('/proc/self/ns/time'), 'a time namespace of its own');

  assert.equal(r.run(['start', 'timens']).status, 0);
  assert.equal(readlinkSync(`/proc/${pid}/ns/time`), before.ns, 'the container\'s process entered it at execve');
  assert.deepEqual(inside('after start'), before);

  const hostBefore = uptime(readFileSync('/proc/uptime', 'utf8'));
  const e = r.run(['exec', r.id('timens'), '--', 'cat', '/proc/uptime']);
  const hostAfter = uptime(readFileSync('/proc/uptime', 'utf8'));
  assert.equal(e.status, 0, e.stderr);
  const seen = uptime(e.stdout) - 86400.25;
  assert.ok(seen >= hostBefore - 0.011 && seen <= hostAfter + 0.011, `uptime inside minus 86400.25 s is ${seen.toFixed(2)}, host went ${hostBefore} → ${hostAfter}`);
});
