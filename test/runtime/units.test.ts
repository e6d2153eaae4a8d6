// The runtime's pure parts, without containers: mount option planning,
// signal names, ids, the state store's atomic writes and status, the id
// lock's stale-owner takeover, and the checks create makes before any process.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as C from '../../helper/linux/constants';
import { planMount } from '../../helper/linux/mountopts';
import { RuntimeError } from '../../helper/runtime/errors';
import { withLock } from '../../helper/runtime/lock';
import { validateConfig } from '../../helper/spec/validate';
import { parseSignal } from '../../helper/runtime/signals';
import { statusOf } from '../../helper/runtime/status';
import { checkId, Store } from '../../helper/runtime/store';
import { defaultSpec } from '../../helper/spec/default';

test('planMount: set and clear flags, propagation apart, the rest as data', () => {
  const p = planMount(['rbind', 'ro', 'nosuid', 'rw', 'rslave', 'size=1m', 'mode=755', 'rnoexec', 'rro', 'rrw', 'rnoatime']);
  assert.equal(p.flags, C.MS_BIND | C.MS_REC | C.MS_NOSUID, 'rw clears ro');
  assert.deepEqual(p.recursive, { set: 0x8 | 0x10, clear: 0x1 | 0x70 }, 'rnoexec, rrw cancels rro, rnoatime sets the atime field');
  assert.deepEqual(p.propagation, [C.MS_SLAVE | C.MS_REC]);
  assert.equal(p.data, 'size=1m,mode=755');
  assert.equal(p.bind, true);
  assert.deepEqual(planMount(['tmpcopyup']).unsupported, ['tmpcopyup']);
  assert.equal(planMount(['strictatime', 'nostrictatime']).flags, 0);
  // Names of Object.prototype's members are unknown options like any other, not a crash.
  assert.equal(planMount(['toString', '__proto__', 'constructor']).data, 'toString,__proto__,constructor');
});

test('parseSignal: names with and without SIG, numbers; junk is an error', () => {
  assert.equal(parseSignal('KILL'), 9);
  assert.equal(parseSignal('sigterm'), 15);
  assert.equal(parseSignal('10'), 10);
  assert.equal(parseSignal(2), 2);
  assert.throws(() => parseSignal('NOPE'), RuntimeError);
  assert.equal(parseSignal('0'), 0);
  assert.throws(() => parseSignal('65'), RuntimeError);
  assert.throws(() => parseSignal(99), RuntimeError);
});

test('checkId: letters, digits, _+-. only; never a path', () => {
  for (const ok of ['a', 'web-1', 'x_y.z+1']) assert.doesNotThrow(() => checkId(ok));
  for (const bad of ['', '.', '..', '../x', 'a/b', 'a b']) assert.throws(() => checkId(bad), RuntimeError, JSON.stringify(bad));
});

test('store: reserve refuses a duplicate, state is creating until state.json exists, stopped for a dead pid', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-units-'));
  try {
    const s = new Store(root);
    s.reserve('a');
    assert.throws(() => s.reserve('a'), /already exists/);
    assert.equal(statusOf(s, 'a', s.read('a')), 'creating');
    s.write({ ociVersion: '1.3.0', id: 'a', pid: 2 ** 22 + 1, startTime: '1', bundle: '/b', rootfs: '/b/r', created: '', owner: 'root' });
    assert.deepEqual(readdirSync(s.dir('a')), ['state.json'], 'no temp file left by the atomic write');
    assert.equal(statusOf(s, 'a', s.read('a')), 'stopped');
    // Our own pid with a wrong start time: a reused pid is not the container.
    s.write({ ...s.read('a')!, pid: process.pid, startTime: '0' });
    assert.equal(statusOf(s, 'a', s.read('a')), 'stopped');
    assert.throws(() => s.read('missing'), /does not exist/);
    assert.deepEqual(s.ids(), ['a']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('withLock: serialises, and takes over a lock whose owner is dead or that is empty', async () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-units-'));
  try {
    const order: string[] = [];
    await Promise.all([
      withLock(root, 'x', async () => {
        order.push('a1');
        await new Promise((r) => setTimeout(r, 30));
        order.push('a2');
      }),
      new Promise((r) => setTimeout(r, 5)).then(() => withLock(root, 'x', () => void order.push('b'))),
    ]);
    assert.deepEqual(order, ['a1', 'a2', 'b']);
    mkdirSync(join(root, '.locks'), { recursive: true });
    writeFileSync(join(root, '.locks', 'y'), `${2 ** 22 + 1} 123`);
    assert.equal(await withLock(root, 'y', () => 'taken over'), 'taken over');
    // Locks are linked in whole, so an empty one can only be a crashed older berth's: taken over at once, not after the 10 s timeout.
    writeFileSync(join(root, '.locks', 'z'), '');
    const t0 = Date.now();
    assert.equal(await withLock(root, 'z', () => 'empty taken over'), 'empty taken over');
    assert.ok(Date.now() - t0 < 1000);
    // A writer killed between writing its private name and linking it leaves that name; the next locker removes it.
    writeFileSync(join(root, '.locks', `.w.${2 ** 22 + 1}.1`), `${2 ** 22 + 1} 123`);
    await withLock(root, 'w', () => undefined);
    // Neither the locks nor the private names they were written under remain.
    assert.deepEqual(readdirSync(join(root, '.locks')), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('create-time checks: sysctls against namespaces, joining user namespaces by path', () => {
  const spec = defaultSpec();
  spec.linux!.sysctl = { 'kernel.hostname': 'x', 'kernel.shm_rmid_forced': '1', 'net.core.somaxconn': '10' };
  spec.linux!.namespaces = spec.linux!.namespaces!.filter((n) => n.type !== 'ipc' && n.type !== 'network');
  const f = validateConfig(spec).filter((x) => x.severity === 'error').map((x) => `${x.code} ${x.pointer}`);
  assert.deepEqual(f.sort(), ['linux/sysctl-hostname /linux/sysctl/kernel.hostname', 'linux/sysctl-needs-namespace /linux/sysctl/kernel.shm_rmid_forced', 'linux/sysctl-needs-namespace /linux/sysctl/net.core.somaxconn']);
  const u = defaultSpec();
  u.linux!.namespaces!.push({ type: 'user', path: '/proc/1/ns/user' });
  // Joined by nsenter(1) now (helper/runtime/userns.ts): not refused up front.
  assert.deepEqual(validateConfig(u).filter((x) => x.severity === 'error'), []);
});
