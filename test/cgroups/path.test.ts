// cgroupsPath forms and layout parsing, without touching the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLayout } from '../../helper/linux/cgroups/layout';
import { expandSlice, isSystemdPath, ownCgroups, resolveCgroupsPath, systemdToCgroupfs } from '../../helper/linux/cgroups/path';
import { cgroupFeatures, cgroupPaths } from '../../helper/linux/cgroups/index';

test('the systemd slice:prefix:name form becomes the cgroupfs path systemd would make', () => {
  assert.equal(isSystemdPath('machine.slice:libpod:abc'), true);
  assert.equal(isSystemdPath('/a/b'), false);
  assert.equal(isSystemdPath('a:b'), false);
  assert.equal(systemdToCgroupfs('machine.slice:libpod:abc'), '/machine.slice/libpod-abc.scope');
  assert.equal(systemdToCgroupfs('user-1000.slice:p:x'), '/user.slice/user-1000.slice/p-x.scope');
  assert.equal(systemdToCgroupfs(':docker:id'), '/system.slice/docker-id.scope');
  assert.equal(systemdToCgroupfs('-.slice:p:n'), '/p-n.scope');
  assert.equal(systemdToCgroupfs('a.slice::b.slice'), '/a.slice/b.slice');
  assert.equal(expandSlice('a-b-c.slice'), '/a.slice/a-b.slice/a-b-c.slice');
  assert.throws(() => expandSlice('bad'), /\/linux\/cgroupsPath: slice "bad" must end in \.slice/);
  assert.throws(() => systemdToCgroupfs('a--b.slice:p:n'), /not a valid systemd slice name/);
});

test('absolute, relative and absent cgroupsPath; ".." and "/" are refused', () => {
  assert.deepEqual(resolveCgroupsPath('/x/y/', 'id'), { absolute: '/x/y' });
  assert.deepEqual(resolveCgroupsPath('x/y', 'id'), { relative: 'x/y' });
  assert.deepEqual(resolveCgroupsPath(undefined, 'id'), { relative: 'id' });
  assert.throws(() => resolveCgroupsPath('/a/../b', 'id'), /\/linux\/cgroupsPath: "\/a\/..\/b" must not contain ".."/);
  assert.throws(() => resolveCgroupsPath('/', 'id'), /root cgroup/);
});

const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;

test('layout: hybrid, v1 and v2 told apart from mountinfo; co-mounted controllers share a directory', () => {
  const h = detectLayout(HYBRID);
  assert.equal(h.mode, 'hybrid');
  assert.deepEqual([...h.v1.keys()].sort(), ['cpu', 'cpuacct', 'memory']);
  assert.equal(h.v1.get('cpuacct')?.mountpoint, '/sys/fs/cgroup/cpu,cpuacct');
  assert.equal(detectLayout(HYBRID.split('\n').slice(0, 4).join('\n')).mode, 'v1');
  const v2 = detectLayout('30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate');
  assert.equal(v2.mode, 'v2');
  const own = ownCgroups('2:cpu,cpuacct:/user/a\n1:memory:/m\n0::/u\n');
  const p = cgroupPaths('rel', 'id', h, own);
  assert.equal(p.v1.cpu, '/sys/fs/cgroup/cpu,cpuacct/user/a/rel');
  assert.equal(p.v1.memory, '/sys/fs/cgroup/memory/m/rel');
  assert.equal(p.unified, '/sys/fs/cgroup/unified/u/rel');
  assert.equal(cgroupPaths('/abs', 'id', v2, own).unified, '/sys/fs/cgroup/abs');
  // a mount showing only a subtree (inside a cgroup namespace or a bind mount)
  const sub = detectLayout('30 23 0:26 /ns/root /sys/fs/cgroup rw - cgroup2 cgroup2 rw');
  assert.equal(cgroupPaths('/ns/root/c', 'id', sub, own).unified, '/sys/fs/cgroup/c');
});

test('features: each cgroup version reported only when the layout has it; no systemd driver', () => {
  const h = detectLayout(HYBRID);
  assert.deepEqual({ ...cgroupFeatures({ ...h, unified: undefined }), rdma: false }, { v1: true, v2: false, systemd: false, systemdUser: false, rdma: false });
  const f = cgroupFeatures(detectLayout('30 23 0:26 / /nonexistent rw - cgroup2 cgroup2 rw'));
  assert.equal(f.v1, false);
  assert.equal(f.v2, true);
  assert.equal(f.rdma, false);
});
