// The v2 backend's translation of OCI resources into cgroup2 files, run
// against a directory of plain files standing in for a cgroup (this host's
// cgroup2 hierarchy has no memory/cpu/io controllers to test them on: they
// are bound to v1). What only the kernel can say is tested in seam and
// devices tests on the real hierarchies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCgroup } from '../../helper/linux/cgroups/index';
import type { Layout } from '../../helper/linux/cgroups/layout';
import { sharesToWeight } from '../../helper/linux/cgroups/v2/cpu';
import { blkioToIoWeight } from '../../helper/linux/cgroups/v2/io';
import { read, specWith } from './helpers';

function fakeV2(): { layout: Layout; root: string; done(): void } {
  const root = mkdtempSync(join(tmpdir(), 'berth-test-v2files-'));
  return { layout: { mode: 'v2', v1: new Map(), unified: { mountpoint: root, root: '/' } }, root, done: () => rmSync(root, { recursive: true, force: true }) };
}

function seed(dir: string, files: Record<string, string>): void {
  for (const [f, v] of Object.entries(files)) writeFileSync(join(dir, f), v);
}

test('v2: memory, swap, cpu, pids, io and unified map to the cgroup2 files with runc-compatible conversions', () => {
  const f = fakeV2();
  try {
    const cg = createCgroup(specWith('/c'), 'c', { layout: f.layout });
    const dir = cg.paths.unified!;
    assert.equal(dir, join(f.root, 'c'));
    seed(dir, {
      'cgroup.controllers': 'cpuset cpu io memory pids',
      'memory.max': 'max', 'memory.low': '0', 'memory.swap.max': 'max', 'memory.current': '1000',
      'cpu.weight': '100', 'cpu.max': 'max 100000', 'cpu.max.burst': '0', 'cpu.idle': '0',
      'cpuset.cpus': '', 'cpuset.mems': '', 'pids.max': 'max', 'io.weight': 'default 100', 'io.max': '',
    });
    cg.apply({
      memory: { limit: 100 << 20, swap: 150 << 20, reservation: 10 << 20 },
      cpu: { shares: 1024, quota: 20000, burst: 1000, idle: 1, cpus: '0-1' },
      pids: { limit: 0 },
      blockIO: { weight: 500, throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }] },
    });
    assert.equal(read(dir, 'memory.max'), String(100 << 20));
    assert.equal(read(dir, 'memory.swap.max'), String(50 << 20), 'OCI swap is memory+swap; v2 wants swap alone');
    assert.equal(read(dir, 'memory.low'), String(10 << 20));
    assert.equal(read(dir, 'cpu.weight'), String(sharesToWeight(1024)));
    assert.equal(sharesToWeight(1024), 39);
    assert.equal(read(dir, 'cpu.max'), '20000 100000', 'period kept from the file when the config leaves it out');
    assert.equal(read(dir, 'cpu.max.burst'), '1000');
    assert.equal(read(dir, 'cpuset.cpus'), '0-1');
    assert.equal(read(dir, 'pids.max'), 'max');
    assert.equal(read(dir, 'io.weight'), `default ${blkioToIoWeight(500)}`);
    assert.equal(read(dir, 'io.max'), '8:0 rbps=1048576');
    cg.update({ memory: { limit: -1 } });
    assert.equal(read(dir, 'memory.max'), 'max');
    assert.throws(() => cg.update({ memory: { limit: 500, checkBeforeUpdate: true } }), /\/linux\/resources\/memory\/limit: new limit 500 is below current usage 1000/);
    seed(dir, { 'memory.high': 'max' });
    cg.update({ unified: { 'memory.high': '12345' } });
    assert.equal(read(dir, 'memory.high'), '12345');
    assert.throws(() => cg.update({ unified: { 'memory.nope': '1' } }), /\/linux\/resources\/unified\/memory.nope: memory.nope does not exist/);
  } finally {
    f.done();
  }
});

test('v2: v1-only knobs and missing controllers are errors naming the field', () => {
  const f = fakeV2();
  try {
    const cg = createCgroup(specWith('/c'), 'c', { layout: f.layout });
    seed(cg.paths.unified!, { 'cgroup.controllers': 'memory cpu', 'memory.max': 'max', 'cpu.max': 'max 100000' });
    assert.throws(() => cg.apply({ memory: { swappiness: 10 } }), /^CgroupError: \/linux\/resources\/memory\/swappiness: memory.swappiness exists only on cgroup v1, and this container's cgroup is v2$/m);
    assert.throws(() => cg.apply({ cpu: { realtimeRuntime: 100 } }), /\/linux\/resources\/cpu\/realtimeRuntime: cpu.rt_runtime_us exists only on cgroup v1/);
    assert.throws(() => cg.apply({ network: { classID: 1 } }), /\/linux\/resources\/network\/classID: net_cls.classid exists only on cgroup v1/);
    assert.throws(() => cg.apply({ pids: { limit: 5 } }), /\/linux\/resources\/pids\/limit: needs the pids controller, which is not available in the cgroup2 hierarchy/);
    assert.throws(() => cg.apply({ memory: { disableOOMKiller: true } }), /disableOOMKiller: memory.oom_control exists only on cgroup v1/);
  } finally {
    f.done();
  }
});
