// ID-mapped bind mounts (helper/runtime/idmap.ts), checked from inside a
// busybox container whose root is host uid 100000: without idmap a host
// root's file shows as the overflow id; with `idmap` as the container's
// root; with the mount's own uidMappings/gidMappings as what they map to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planMount } from '../../helper/linux/mountopts';
import { makeBundle } from '../fixtures/bundle';
import { ensureBuilt, Runner } from '../runtime/harness';
import { SHIFT, shiftedSetup } from './shifted';

function hostFiles(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-idmap-'));
  chmodSync(dir, 0o755); // searchable by the overflow id too: the unmapped mount is checked by what it shows
  writeFileSync(join(dir, 'f0'), '');
  writeFileSync(join(dir, 'f5'), '');
  chownSync(join(dir, 'f5'), 5, 7);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('idmapped bind mounts: `idmap` shows host ids through the container\'s user namespace, a mount\'s own mappings through theirs', (t) => {
  const dir = hostFiles(t);
  const script = 'for m in plain mapped own; do stat -c "$m %u:%g" /$m/f0 /$m/f5; done';
  const { r, bundle } = shiftedSetup(t, ['sh', '-c', script], (s) => {
    s.mounts!.push(
      { destination: '/plain', type: 'bind', source: dir, options: ['bind', 'ro'] },
      { destination: '/mapped', type: 'bind', source: dir, options: ['bind', 'idmap'] },
      {
        destination: '/own', type: 'bind', source: dir, options: ['rbind', 'ridmap'],
        uidMappings: [{ containerID: 0, hostID: SHIFT + 1000, size: 10 }],
        gidMappings: [{ containerID: 0, hostID: SHIFT + 2000, size: 10 }],
      },
    );
  });
  const features = JSON.parse(r.run(['features']).stdout) as { mountOptions: string[]; linux: { mountExtensions: { idmap: { enabled: boolean } } } };
  assert.equal(features.linux.mountExtensions.idmap.enabled, true, 'features says this kernel has ID-mapped mounts (6.x)');
  assert.ok(features.mountOptions.includes('idmap') && features.mountOptions.includes('ridmap'));
  const res = r.run(['run', '--bundle', bundle.dir, 'idmap']);
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(res.stdout.trim().split('\n'), [
    'plain 65534:65534', 'plain 65534:65534',
    'mapped 0:0', 'mapped 5:7',
    'own 1000:2000', 'own 1005:2007',
  ]);
});

test('idmapped mount config errors name the field', (t) => {
  ensureBuilt();
  const dir = hostFiles(t);
  const r = new Runner();
  t.after(() => r.cleanup());
  const cases: [Parameters<typeof makeBundle>[1], RegExp][] = [
    [(s) => s.mounts!.push({ destination: '/m', type: 'bind', source: dir, options: ['bind', 'idmap'] }), /\/mounts\/\d+\/options.*needs a user namespace/],
    [(s) => s.mounts!.push({ destination: '/m', type: 'tmpfs', source: 'tmpfs', options: ['idmap'] }), /\/mounts\/\d+\/options.*must be a bind mount/],
    [(s) => {
      s.linux!.namespaces!.push({ type: 'user' });
      s.linux!.uidMappings = s.linux!.gidMappings = [{ containerID: 0, hostID: SHIFT, size: 65536 }];
      s.mounts!.push({ destination: '/m', type: 'bind', source: dir, options: ['bind'], uidMappings: [{ containerID: 0, hostID: 1, size: 1 }] });
    }, /\/mounts\/\d+\/gidMappings.*needs both/],
  ];
  for (const [edit, re] of cases) {
    const bundle = makeBundle(['true'], edit);
    t.after(() => bundle.cleanup());
    const res = r.run(['create', '--bundle', bundle.dir, `idmap-bad-${Math.random().toString(36).slice(2, 7)}`]);
    assert.equal(res.status, 1, `expected create to fail for ${re}`);
    assert.match(res.stderr, re);
  }
});

test('mount options: `idmap` maps the top mount only, `ridmap` the whole tree, neither becomes filesystem data', () => {
  assert.deepEqual(planMount(['rbind', 'idmap']).idmap, { recursive: false });
  assert.deepEqual(planMount(['bind', 'ridmap']).idmap, { recursive: true });
  assert.deepEqual(planMount(['idmap', 'ridmap']).idmap, { recursive: true });
  assert.equal(planMount(['bind']).idmap, undefined);
  assert.equal(planMount(['bind', 'idmap']).data, '');
});
