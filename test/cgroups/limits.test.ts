// Limits the host cannot grant, knobs of the wrong version, hugetlb, unified
// keys and the OOM killer, on the real kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCgroup, hostLayout, type CgroupHandle } from '../../helper/linux/cgroups/index';
import type { Layout } from '../../helper/linux/cgroups/layout';
import { hostPageSizes } from '../../helper/linux/cgroups/hugetlb';
import type { Resources } from '../../helper/spec/types';
import { cleanup, gatedShell, read, specWith, testName } from './helpers';

const host = hostLayout();

function withCgroup(tag: string, resources: Resources | undefined, body: (cg: CgroupHandle) => void | Promise<void>, layout?: Layout) {
  return async () => {
    let cg: CgroupHandle | undefined;
    try {
      cg = createCgroup(specWith(`/${testName(tag)}`, resources), tag, { layout });
      await body(cg);
    } finally {
      cleanup(cg);
    }
  };
}

test(
  'a realtime budget larger than the parent can give fails naming the field and the reason',
  { skip: !host.v1.has('cpu') && 'needs the v1 cpu controller (realtime has no v2 file)' },
  withCgroup('rt', undefined, (cg) => {
    assert.throws(
      () => cg.apply({ cpu: { realtimePeriod: 1000000, realtimeRuntime: 2000000 } }),
      /^CgroupError: \/linux\/resources\/cpu\/realtimeRuntime: write "2000000" to \S+\/cpu\.rt_runtime_us: the kernel rejected the value as invalid or out of range$/,
    );
  }),
);

test(
  'swap below the memory limit is refused before any write',
  withCgroup('swap', undefined, (cg) => {
    assert.throws(() => cg.apply({ memory: { limit: 32 << 20, swap: 16 << 20 } }), /\/linux\/resources\/memory\/swap: swap 16777216 \(memory\+swap\) must be at least the memory limit 33554432/);
  }),
);

test(
  'v1 memory and swap are written in an order the kernel accepts, both raising and lowering',
  { skip: !host.v1.has('memory') && 'needs the v1 memory controller' },
  withCgroup('memsw', undefined, (cg) => {
    const d = cg.paths.v1.memory;
    if (!existsSync(join(d, 'memory.memsw.limit_in_bytes'))) {
      assert.throws(() => cg.apply({ memory: { limit: 32 << 20, swap: 64 << 20 } }), /needs swap accounting/);
      return;
    }
    cg.apply({ memory: { limit: 32 << 20, swap: 64 << 20 } });
    assert.equal(read(d, 'memory.memsw.limit_in_bytes'), String(64 << 20));
    cg.update({ memory: { limit: 16 << 20, swap: 16 << 20 } });
    assert.equal(read(d, 'memory.memsw.limit_in_bytes'), String(16 << 20));
    cg.update({ memory: { limit: 128 << 20, swap: 256 << 20 } });
    assert.equal(read(d, 'memory.limit_in_bytes'), String(128 << 20));
    assert.equal(read(d, 'memory.memsw.limit_in_bytes'), String(256 << 20));
    assert.throws(() => cg.update({ memory: { limit: 512 << 20 } }), /\/linux\/resources\/memory\/limit: limit 536870912 is above the current memory\+swap limit 268435456; set swap as well/);
  }),
);

test(
  'unified keys go to the cgroup2 directory, and are refused on a v1-only layout',
  { skip: !host.unified && 'this host has no cgroup2 hierarchy' },
  async () => {
    await withCgroup('unified', undefined, (cg) => {
      cg.apply({ unified: { 'cgroup.max.depth': '3' } });
      assert.equal(read(cg.paths.unified!, 'cgroup.max.depth'), '3');
    })();
    if (host.v1.size) {
      const v1only: Layout = { mode: 'v1', v1: host.v1 };
      await withCgroup('unified1', undefined, (cg) => {
        assert.throws(() => cg.apply({ unified: { 'cgroup.max.depth': '3' } }), /\/linux\/resources\/unified\/cgroup.max.depth: unified resources need a cgroup v2 hierarchy, and this host has cgroup v1 only/);
      }, v1only)();
    }
  },
);

const sizes = hostPageSizes();
test(
  `hugepage limits for ${sizes.join(', ') || 'no page size'} (from cgroup2 when v1 lacks hugetlb), and a size the host lacks`,
  { skip: sizes.length === 0 && 'this host offers no huge page sizes' },
  async () => {
    const limits = [{ pageSize: sizes[0], limit: 4 * 1024 * 1024 * 1024 }];
    const v1 = host.v1.has('hugetlb');
    const offered = v1 || (host.unified && read(host.unified.mountpoint, 'cgroup.controllers').split(' ').includes('hugetlb'));
    if (!offered) {
      assert.throws(() => createCgroup(specWith(`/${testName('huge0')}`, { hugepageLimits: limits }), 'h'), /\/linux\/resources\/hugepageLimits\/0: needs the hugetlb controller/);
      return;
    }
    await withCgroup('huge', { hugepageLimits: limits }, (cg) => {
      cg.apply({ hugepageLimits: limits });
      const file = v1 ? join(cg.paths.v1.hugetlb, `hugetlb.${sizes[0]}.limit_in_bytes`) : join(cg.paths.unified!, `hugetlb.${sizes[0]}.max`);
      assert.equal(read(file, ''), String(limits[0].limit));
      assert.throws(() => cg.apply({ hugepageLimits: [{ pageSize: '3MB', limit: 1 }] }), /\/linux\/resources\/hugepageLimits\/0\/pageSize: page size "3MB" is not offered by this host/);
    })();
  },
);

test(
  'blkio weight is set, or refused with the reason when the host has no weight file',
  { skip: !host.v1.has('blkio') && 'needs the v1 blkio controller' },
  withCgroup('blkio', undefined, (cg) => {
    const d = cg.paths.v1.blkio;
    const file = ['blkio.weight', 'blkio.bfq.weight'].find((f) => existsSync(join(d, f)));
    if (file) {
      cg.apply({ blockIO: { weight: 300 } });
      assert.match(read(d, file), /300/);
    } else {
      assert.throws(() => cg.apply({ blockIO: { weight: 300 } }), /\/linux\/resources\/blockIO\/weight: this host has no blkio weight file/);
    }
  }),
);

test('the OOM killer acting in the cgroup is counted', { timeout: 20000 }, async () => {
  const limit = 16 << 20;
  // tail buffers /dev/zero looking for a newline until the OOM killer stops it.
  const hog = gatedShell('exec tail /dev/zero');
  let cg: CgroupHandle | undefined;
  try {
    cg = createCgroup(specWith(`/${testName('oom')}`), 'oom');
    cg.addProcess(hog.pid!);
    cg.apply({ memory: { limit, swap: limit } });
    assert.equal(cg.oomKills(), 0);
    const exit = new Promise<NodeJS.Signals | null>((r) => hog.on('exit', (_c, sig) => r(sig)));
    hog.stdin.write('go\n');
    assert.equal(await exit, 'SIGKILL');
    assert.equal(cg.oomKills(), 1);
    assert.ok((cg.stats().memory?.usage.max ?? limit) >= limit * 0.9, 'peak usage reached the limit');
  } finally {
    cleanup(cg, hog);
  }
});

test(
  'blkio throttles and cpu burst/realtime land in their v1 files',
  { skip: !(host.v1.has('blkio') && host.v1.has('cpu')) && 'needs the v1 blkio and cpu controllers' },
  withCgroup('throttle', undefined, (cg) => {
    // 7:0 is /dev/loop0, present on Debian; any block device the kernel knows works
    cg.apply({
      blockIO: { throttleReadBpsDevice: [{ major: 7, minor: 0, rate: 1048576 }], throttleWriteIOPSDevice: [{ major: 7, minor: 0, rate: 100 }] },
      cpu: { period: 100000, quota: 50000, burst: 10000, realtimePeriod: 1000000, realtimeRuntime: 0 },
    });
    assert.equal(read(cg.paths.v1.blkio, 'blkio.throttle.read_bps_device'), '7:0 1048576');
    assert.equal(read(cg.paths.v1.blkio, 'blkio.throttle.write_iops_device'), '7:0 100');
    if (existsSync(join(cg.paths.v1.cpu, 'cpu.cfs_burst_us'))) assert.equal(read(cg.paths.v1.cpu, 'cpu.cfs_burst_us'), '10000');
    assert.equal(read(cg.paths.v1.cpu, 'cpu.rt_runtime_us'), '0');
  }),
);

test(
  `network classID ${host.v1.has('net_cls') ? 'lands in net_cls.classid' : 'is refused: this host does not mount net_cls'}`,
  async () => {
    const r: Resources = { network: { classID: 0x100001 } };
    if (!host.v1.has('net_cls')) {
      const name = testName('netcls0');
      assert.throws(() => createCgroup(specWith(`/${name}`, r), 'n'), /^CgroupError: \/linux\/resources\/network\/classID: needs the net_cls controller, which is not mounted on this host$/m);
      for (const [, m] of host.v1) assert.equal(existsSync(join(m.mountpoint, name)), false, 'a refused create leaves no directory');
      return;
    }
    await withCgroup('netcls', r, (cg) => {
      cg.apply(r);
      assert.equal(read(cg.paths.v1.net_cls, 'net_cls.classid'), String(0x100001));
    })();
  },
);
