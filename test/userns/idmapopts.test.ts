// crun's `idmap=uids=…;gids=…` mount option (helper/spec/idmapopts.ts):
// parsed into the mount's mappings (ranges, `#`, `@` relative to the
// container's user namespace, `+` signs), errors naming
// /mounts/N/options/M, and a real busybox container whose root is host uid
// 100000 seeing host files through such a mount with the owners the
// mappings give them.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { planMount } from '../../helper/linux/mountopts';
import { parseIdmapOption } from '../../helper/spec/idmapopts';
import { defaultSpec } from '../../helper/spec/default';
import { validateConfig } from '../../helper/spec/validate';
import { SHIFT, shiftedSetup } from './shifted';

const CONTAINER = { uid: [{ containerID: 0, hostID: 1, size: 10 }], gid: [{ containerID: 0, hostID: 1, size: 10 }] };

test('idmap=uids=…;gids=…: ranges joined by #, @ relative to the container\'s mappings, + as a sign', () => {
  assert.deepEqual(parseIdmapOption('uids=0-1-10;gids=0-1-10'), { uid: [{ containerID: 0, hostID: 1, size: 10 }], gid: [{ containerID: 0, hostID: 1, size: 10 }] });
  assert.deepEqual(parseIdmapOption('uids=0-2-10#10-100-10;gids=0-1-10').uid, [{ containerID: 0, hostID: 2, size: 10 }, { containerID: 10, hostID: 100, size: 10 }]);
  // @0-1-10: container id 0 is host 1 (hostID - containerID = 1), so the host id 1 becomes 2; +0 is 0.
  assert.deepEqual(parseIdmapOption('uids=@0-1-10;gids=+0-1-10', CONTAINER), { uid: [{ containerID: 0, hostID: 2, size: 10 }], gid: [{ containerID: 0, hostID: 1, size: 10 }] });
  // crun(1)'s own example: @1-3-10 over a mapping 1→2 is 1-4-10.
  assert.deepEqual(parseIdmapOption('uids=@1-3-10;gids=0-0-1', { uid: [{ containerID: 0, hostID: 0, size: 1 }, { containerID: 1, hostID: 2, size: 1000 }], gid: [] }).uid, [{ containerID: 1, hostID: 4, size: 10 }]);
  const bad: [string, RegExp][] = [
    ['uids=0-1-10', /gids= is missing/],
    ['gids=0-1-10', /uids= is missing/],
    ['uids=0-1;gids=0-1-10', /`0-1` is not \[@\]fs-host-size/],
    ['uids=0-1-x;gids=0-1-10', /`0-1-x` is not/],
    ['uids=0--1-10;gids=0-1-10', /is not/],
    ['uids=0-1-0;gids=0-1-10', /size 0/],
    ['uids=0-1-1;uids=0-1-1;gids=0-1-10', /uids= is given twice/],
    ['users=0-1-1', /unknown `users=0-1-1`/],
    ['uids=@0-1-10;gids=0-1-10', /relative \(@\) but the container has no user namespace mappings/],
  ];
  for (const [text, re] of bad) assert.throws(() => parseIdmapOption(text), re, text);
  assert.throws(() => parseIdmapOption('uids=@20-1-10;gids=0-1-10', CONTAINER), /no mapping of the container's user namespace holds id 20/);
  // The option is an ID-mapped mount (recursive with ridmap=) and never filesystem data.
  const plan = planMount(['bind', 'ro', 'ridmap=uids=0-1-1;gids=0-1-1']);
  assert.deepEqual(plan.idmap, { recursive: true, custom: { text: 'uids=0-1-1;gids=0-1-1', index: 2 } });
  assert.equal(plan.data, '');
});

test('idmap= option errors name /mounts/N/options/M', () => {
  const spec = defaultSpec();
  spec.linux!.namespaces!.push({ type: 'user' });
  spec.linux!.uidMappings = CONTAINER.uid;
  spec.linux!.gidMappings = CONTAINER.gid;
  const n = spec.mounts!.length;
  spec.mounts!.push(
    { destination: '/a', type: 'bind', source: '/tmp', options: ['bind', 'ro', 'idmap=uids=0-1-10'] },
    { destination: '/b', type: 'bind', source: '/tmp', options: ['rbind', 'idmap=uids=0-1-1;gids=0-1-1'], uidMappings: CONTAINER.uid, gidMappings: CONTAINER.gid },
    { destination: '/c', type: 'bind', source: '/tmp', options: ['idmap=uids=@0-1-10;gids=@0-1-10', 'bind'] },
  );
  const f = validateConfig(spec, { host: true }).filter((x) => x.code === 'mount/idmap');
  assert.deepEqual(f.map((x) => x.pointer), [`/mounts/${n}/options/2`, `/mounts/${n + 1}/options/1`]);
  assert.match(f[0].message, /^`idmap=uids=0-1-10`: gids= is missing/);
  assert.match(f[1].message, /keep one/);
});

test('a real idmap=uids=…;gids=… bind mount: host files show the owners the option\'s mappings give them, also with # and @', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-idmapopt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'f0'), '');
  writeFileSync(join(dir, 'f12'), '');
  chownSync(join(dir, 'f12'), 12, 12);
  const script = 'for m in abs multi rel; do stat -c "$m %u:%g" /$m/f0 /$m/f12; done';
  const { r, bundle } = shiftedSetup(t, ['sh', '-c', script], (s) => {
    s.mounts!.push(
      // fs ids 0-19 show as host SHIFT+1000…: container 1000….
      { destination: '/abs', type: 'bind', source: dir, options: ['bind', 'ro', `idmap=uids=0-${SHIFT + 1000}-20;gids=0-${SHIFT + 2000}-20`] },
      // two ranges: fs 0-9 → container 100…, fs 10-19 → container 300…
      { destination: '/multi', type: 'bind', source: dir, options: ['bind', 'ro', `idmap=uids=0-${SHIFT + 100}-10#10-${SHIFT + 300}-10;gids=+0-${SHIFT}-20`] },
      // relative: host id 7 of the container's namespace is host SHIFT+7
      { destination: '/rel', type: 'bind', source: dir, options: ['bind', 'ro', 'idmap=uids=@0-7-20;gids=@0-9-20'] },
    );
  });
  const res = r.run(['run', '--bundle', bundle.dir, 'idmapopt']);
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(res.stdout.trim().split('\n'), [
    'abs 1000:2000', 'abs 1012:2012',
    'multi 100:0', 'multi 302:12',
    'rel 7:9', 'rel 19:21',
  ]);
});
