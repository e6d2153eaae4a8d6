// Joining another container's user and time namespaces by path: container A
// has its own user namespace (root = host uid 100000) and time namespace
// (offsets); container B names /proc/<A>/ns/user and /proc/<A>/ns/time and
// must see A's uid_map and A's clock offsets from inside, with its own new
// pid, mount, uts, ipc and network namespaces owned by A's user namespace
// (lsns ONS column), and an `idmap` mount mapped through the joined user
// namespace. Mappings or offsets beside a joined namespace are refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Spec } from '../../helper/spec/types';
import { until } from '../runtime/harness';
import { SHIFT, shiftedSetup } from './shifted';

const OFFSETS = { monotonic: { secs: 1000 }, boottime: { secs: 86400 } };

/** Namespace inode → owning user namespace inode, for every namespace of `pid` (util-linux lsns). */
function owners(pid: number): Map<string, { ns: string; owner: string }> {
  const out = new Map<string, { ns: string; owner: string }>();
  for (const line of execFileSync('lsns', ['-p', String(pid), '-n', '-o', 'TYPE,NS,ONS'], { encoding: 'utf8' }).trim().split('\n')) {
    const [type, ns, owner] = line.trim().split(/\s+/);
    out.set(type, { ns, owner });
  }
  return out;
}

function joining(aPid: number): (s: Spec) => void {
  return (s) => {
    s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'user');
    s.linux!.namespaces.push({ type: 'user', path: `/proc/${aPid}/ns/user` }, { type: 'time', path: `/proc/${aPid}/ns/time` });
    delete s.linux!.uidMappings;
    delete s.linux!.gidMappings;
  };
}

test('a container joins another\'s user and time namespaces by path: same uid_map and offsets inside, its new namespaces owned by the joined user namespace, idmap through it', async (t) => {
  const a = shiftedSetup(t, ['sleep', '1000'], (s) => {
    s.linux!.namespaces!.push({ type: 'time' });
    s.linux!.timeOffsets = OFFSETS;
  });
  assert.equal(a.r.run(['run', '-d', '--bundle', a.bundle.dir, 'join-a']).status, 0);
  const aPid = a.r.state('join-a').pid;

  // A host root's file through an `idmap` mount: ID-mapped through the joined user namespace, it shows as its root.
  const dir = mkdtempSync(join(tmpdir(), 'berth-join-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'f'), '');
  const script = 'cat /proc/self/uid_map /proc/self/timens_offsets; readlink /proc/self/ns/user; readlink /proc/self/ns/time; id -u; stat -c %u:%g /m/f; echo done; exec sleep 1000';
  const b = shiftedSetup(t, ['sh', '-c', script], (s) => {
    joining(aPid)(s);
    s.mounts!.push({ destination: '/m', type: 'bind', source: dir, options: ['bind', 'ro', 'idmap'] });
  });
  const c = b.r.run(['create', '--bundle', b.bundle.dir, 'join-b']);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(b.r.run(['start', 'join-b']).status, 0);
  await until(() => readFileSync(b.r.stdoutPath, 'utf8').includes('done'), 5000, 'container B\'s output');
  const lines = readFileSync(b.r.stdoutPath, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  assert.deepEqual(lines, [
    `0 ${SHIFT} 65536`,
    'monotonic 1000 0',
    'boottime 86400 0',
    readlinkSync(`/proc/${aPid}/ns/user`),
    readlinkSync(`/proc/${aPid}/ns/time`),
    '0',
    '0:0',
    'done',
  ]);

  const bPid = b.r.state('join-b').pid;
  const userNs = owners(aPid).get('user')!.ns;
  const mine = owners(bPid);
  assert.equal(mine.get('user')!.ns, userNs);
  for (const type of ['pid', 'mnt', 'uts', 'ipc', 'net']) {
    assert.notEqual(mine.get(type)!.ns, owners(aPid).get(type)!.ns, `B has a ${type} namespace of its own`);
    assert.equal(mine.get(type)!.owner, userNs, `B's ${type} namespace is owned by the joined user namespace`);
  }
  // exec into B enters the same user and time namespaces.
  const e = b.r.run(['exec', b.r.id('join-b'), '--', 'sh', '-c', 'readlink /proc/self/ns/user; readlink /proc/self/ns/time']);
  assert.equal(e.status, 0, e.stderr);
  assert.deepEqual(e.stdout.trim().split('\n'), [readlinkSync(`/proc/${aPid}/ns/user`), readlinkSync(`/proc/${aPid}/ns/time`)]);

  // C: a user namespace of its own beside A's time namespace (joined first, as host root: see userns.ts).
  const c2 = shiftedSetup(t, ['sh', '-c', 'cat /proc/self/timens_offsets; readlink /proc/self/ns/time; readlink /proc/self/ns/user'], (s) => {
    s.linux!.namespaces!.push({ type: 'time', path: `/proc/${aPid}/ns/time` });
  });
  const cr = c2.r.run(['run', '--bundle', c2.bundle.dir, 'join-c']);
  assert.equal(cr.status, 0, cr.stderr);
  const cl = cr.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  assert.deepEqual(cl.slice(0, 3), ['monotonic 1000 0', 'boottime 86400 0', readlinkSync(`/proc/${aPid}/ns/time`)]);
  assert.notEqual(cl[3], readlinkSync(`/proc/${aPid}/ns/user`), 'C\'s user namespace is its own');
});

test('mappings beside a joined user namespace, offsets beside a joined time namespace, a namespace path that does not exist: refused naming the field', (t) => {
  const cases: [(s: Spec) => void, RegExp][] = [
    [(s) => s.linux!.namespaces!.find((n) => n.type === 'user')!.path = '/proc/1/ns/user', /the user namespace is joined by path \(\/linux\/namespaces\/\d+\/path\): its mappings are its own, remove uidMappings" pointer="\/linux\/uidMappings"/],
    [(s) => {
      s.linux!.namespaces!.push({ type: 'time', path: '/proc/1/ns/time' });
      s.linux!.timeOffsets = OFFSETS;
    }, /the time namespace is joined by path .*remove timeOffsets" pointer="\/linux\/timeOffsets"/],
    [(s) => {
      s.linux!.namespaces!.find((n) => n.type === 'user')!.path = '/proc/999999999/ns/user';
      delete s.linux!.uidMappings;
      delete s.linux!.gidMappings;
    }, /cannot read the uid_map of user namespace `\/proc\/999999999\/ns\/user`: ENOENT" pointer="\/linux\/namespaces\/\d+\/path"/],
  ];
  for (const [edit, re] of cases) {
    const { r, bundle } = shiftedSetup(t, ['true'], edit);
    const res = r.run(['create', '--bundle', bundle.dir, 'join-bad']);
    assert.equal(res.status, 1);
    assert.match(res.stderr, re);
  }
});
