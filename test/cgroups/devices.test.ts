// Device rules enforced by the kernel: v1 devices.allow/deny, and on cgroup2
// the eBPF program loaded and attached with bpf(). The shell in the cgroup
// opens device nodes and reports which opens the kernel allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, constants, openSync } from 'node:fs';
import { createCgroup, hostLayout, type CgroupHandle } from '../../helper/linux/cgroups/index';
import type { Layout } from '../../helper/linux/cgroups/layout';
import { queryDevicePrograms } from '../../helper/linux/cgroups/bpf/syscall';
import type { DeviceCgroupRule } from '../../helper/spec/types';
import { cleanup, gatedShell, read, specWith, testName } from './helpers';

const RULES: DeviceCgroupRule[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 11, access: 'rw' }, // /dev/kmsg…
  { allow: false, type: 'c', major: 1, minor: 11, access: 'w' }, // …read-only after all: v1 subtracts access
  { allow: true, type: 'b', major: 7, access: 'rw' }, // every loop device
  { allow: false, type: 'b', major: 7, minor: 1, access: 'r' }, // v1 ignores a deny matching no exception exactly
];

const PROBE = [
  ['kmsg-r', ': < /dev/kmsg'],
  ['kmsg-w', ': > /dev/kmsg'],
  ['null-w', ': > /dev/null'],
  ['loop0-r', ': < /dev/loop0'],
  ['loop1-r', ': < /dev/loop1'],
  ['hwrng-r', ': < /dev/hwrng'],
]
  .map(([n, cmd]) => `( ${cmd} ) 2>/dev/null && echo ${n}=ok || echo ${n}=denied`)
  .join('; ');

const EXPECTED = ['kmsg-r=ok', 'kmsg-w=denied', 'null-w=ok', 'loop0-r=ok', 'loop1-r=ok', 'hwrng-r=denied'];

async function probe(layout: Layout | undefined, tag: string, check?: (cg: CgroupHandle) => void): Promise<string[]> {
  const sh = gatedShell(PROBE);
  let cg: CgroupHandle | undefined;
  try {
    cg = createCgroup(specWith(`/${testName(tag)}`, { devices: RULES }), tag, { layout });
    cg.addProcess(sh.pid!);
    cg.apply({ devices: RULES });
    check?.(cg);
    sh.stdin.write('go\n');
    return (await sh.output()).trim().split('\n');
  } finally {
    cleanup(cg, sh);
  }
}

const host = hostLayout();

test('v1 devices controller: deny-all then exceptions, with the kernel\'s own add/subtract semantics', { skip: !host.v1.has('devices') && 'no v1 devices controller on this host' }, async () => {
  const out = await probe(undefined, 'dev1', (cg) => {
    const list = read(cg.paths.v1.devices, 'devices.list').split('\n');
    assert.ok(list.includes('c 1:11 r'), list.join('|'));
    assert.ok(list.includes('b 7:* rw'), list.join('|'));
    assert.ok(list.includes('c 1:3 rwm'), 'default /dev/null is allowed');
  });
  assert.deepEqual(out, EXPECTED);
});

test('cgroup2 eBPF device program (bpf() through koffi) gives the same answers as v1 for every probe; an update replaces, not stacks, the program', { skip: !host.unified && 'no cgroup2 hierarchy on this host' }, async () => {
  const v2: Layout = { mode: 'v2', v1: new Map(), unified: host.unified };
  const out = await probe(v2, 'dev2', (cg) => {
    cg.update({ devices: RULES });
    const fd = openSync(cg.paths.unified!, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      assert.equal(queryDevicePrograms(fd).length, 1);
    } finally {
      closeSync(fd);
    }
  });
  assert.deepEqual(out, EXPECTED);
});

test('a bad device rule names its field', () => {
  let cg: CgroupHandle | undefined;
  try {
    cg = createCgroup(specWith(`/${testName('devbad')}`), 'devbad');
    assert.throws(() => cg!.apply({ devices: [{ allow: true, type: 'c', major: 1, access: 'rwx' }] }), /\/linux\/resources\/devices\/0\/access: access "rwx" must be a combination of r, w and m/);
  } finally {
    cleanup(cg);
  }
});
