// The runtime seam on the real kernel: a real cgroup with a real process,
// limits read back from the cgroup files, freeze/thaw, kill, destroy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { cgroupPaths, createCgroup, hostLayout, openCgroup, type CgroupHandle } from '../../helper/linux/cgroups/index';
import type { Layout } from '../../helper/linux/cgroups/layout';
import { cleanup, gatedShell, read, specWith, testName } from './helpers';

const layout = hostLayout();

test(`layout detected as ${layout.mode} (v1: ${[...layout.v1.keys()].join(',') || 'none'}; unified: ${layout.unified?.mountpoint ?? 'none'})`, () => {
  assert.ok(layout.v1.size > 0 || layout.unified);
  const m = readFileSync('/proc/self/mountinfo', 'utf8');
  assert.equal(layout.mode === 'v2', !/ - cgroup /.test(m));
});

test('memory, pids, cpu and cpuset limits land in the cgroup files and a real process is in the cgroup', () => {
  const name = testName('seam');
  const resources = {
    memory: { limit: 64 << 20, reservation: 32 << 20, swappiness: 10 },
    pids: { limit: 20 },
    cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' },
  };
  const sleeper = spawn('sleep', ['60']);
  let cg: CgroupHandle | undefined;
  try {
    cg = createCgroup(specWith(`/${name}`, resources), 'seam');
    cg.addProcess(sleeper.pid!);
    cg.apply(resources);
    assert.deepEqual(cg.pids(), [sleeper.pid]);
    const own = readFileSync(`/proc/${sleeper.pid}/cgroup`, 'utf8');
    assert.match(own, new RegExp(`:/${name}$`, 'm'));
    if (layout.mode === 'v2') {
      const d = cg.paths.unified!;
      assert.equal(read(d, 'memory.max'), String(64 << 20));
      assert.equal(read(d, 'pids.max'), '20');
      assert.equal(read(d, 'cpu.max'), '50000 100000');
    } else {
      const v = cg.paths.v1;
      assert.equal(read(v.memory, 'memory.limit_in_bytes'), String(64 << 20));
      assert.equal(read(v.memory, 'memory.soft_limit_in_bytes'), String(32 << 20));
      assert.equal(read(v.memory, 'memory.swappiness'), '10');
      assert.equal(read(v.pids, 'pids.max'), '20');
      assert.equal(read(v.cpu, 'cpu.shares'), '512');
      assert.equal(read(v.cpu, 'cpu.cfs_quota_us'), '50000');
      assert.equal(read(v.cpuset, 'cpuset.cpus'), '0');
      if (layout.mode === 'hybrid') assert.match(own, new RegExp(`^0::/${name}$`, 'm'), 'joins the cgroup2 hierarchy too');
    }
    // update: raise the pids limit and lower memory
    cg.update({ pids: { limit: 30 }, memory: { limit: 48 << 20 } });
    const pidsDir = layout.mode === 'v2' ? cg.paths.unified! : cg.paths.v1.pids;
    assert.equal(read(pidsDir, 'pids.max'), '30');
    // stats carry the process and the limit
    const s = cg.stats();
    assert.equal(s.pids?.current, 1);
    assert.equal(s.memory?.usage.limit, 48 << 20);
    // a reopened handle (from the state file) sees the same cgroup
    const again = openCgroup(JSON.parse(JSON.stringify(cg.paths)));
    assert.deepEqual(again.pids(), [sleeper.pid]);
  } finally {
    cleanup(cg, sleeper);
  }
});

test('freeze stops the processes and thaw resumes them', async () => {
  const name = testName('freeze');
  // The shell counts; while frozen the count must not move.
  const counter = gatedShell('i=0; while true; do i=$((i+1)); echo $i > /dev/null; done');
  let cg: CgroupHandle | undefined;
  try {
    cg = createCgroup(specWith(`/${name}`), 'freeze');
    cg.addProcess(counter.pid!);
    counter.stdin.write('go\n');
    cg.freeze();
    assert.equal(cg.isFrozen(), true);
    const t1 = cpuTicks(counter.pid!);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(cpuTicks(counter.pid!), t1, 'a frozen process uses no CPU');
    cg.thaw();
    assert.equal(cg.isFrozen(), false);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(cpuTicks(counter.pid!) > t1, 'a thawed process runs again');
  } finally {
    cleanup(cg, counter);
  }
});

test('killAll signals every process, destroy removes the cgroup even while processes run and while frozen', async () => {
  const name = testName('kill');
  const a = spawn('sleep', ['60']);
  const b = spawn('sleep', ['60']);
  let cg: CgroupHandle | undefined;
  try {
    cg = createCgroup(specWith(`/${name}`), 'kill');
    cg.addProcess(a.pid!);
    cg.addProcess(b.pid!);
    const exited = Promise.all([a, b].map((p) => new Promise((r) => p.on('exit', (_c, sig) => r(sig)))));
    cg.killAll('SIGTERM');
    assert.deepEqual(await exited, ['SIGTERM', 'SIGTERM']);
    const c = spawn('sleep', ['60']);
    cg.addProcess(c.pid!);
    cg.freeze();
    const dirs = [...Object.values(cg.paths.v1), cg.paths.unified].filter(Boolean) as string[];
    cg.destroy();
    for (const d of dirs) assert.equal(existsSync(d), false, `${d} removed`);
    await new Promise((r) => c.on('exit', r));
    cg = undefined;
  } finally {
    cleanup(cg, a, b);
  }
});

test('relative cgroupsPath goes under the runtime own cgroup; an absent one uses the container id', () => {
  const name = testName('rel');
  const own = readFileSync('/proc/self/cgroup', 'utf8');
  const memOwn = /^\d+:[^:]*\bmemory\b[^:]*:(.*)$/m.exec(own)?.[1];
  const memRoot = `/sys/fs/cgroup/memory${memOwn === '/' ? '' : memOwn}`;
  if (memOwn !== undefined) assert.equal(cgroupPaths(undefined, 'the-id').v1.memory, `${memRoot}/the-id`);
  let cg: CgroupHandle | undefined;
  try {
    cg = createCgroup(specWith(`${name}/inner`), 'rel');
    if (memOwn !== undefined) assert.equal(cg.paths.v1.memory, `${memRoot}/${name}/inner`);
    assert.ok(Object.values(cg.paths.v1).every(existsSync));
  } finally {
    const dirs = cg ? [...Object.values(cg.paths.v1), ...(cg.paths.unified ? [cg.paths.unified] : [])] : [];
    cleanup(cg);
    // the intermediate level the test made
    for (const d of dirs) if (existsSync(dirname(d))) rmdirSync(dirname(d));
  }
});

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}

test('a systemd slice:prefix:name cgroupsPath becomes a cgroupfs path (no systemd driver here)', () => {
  const unit = `${process.pid}-${Date.now().toString(36)}`;
  let cg: CgroupHandle | undefined;
  try {
    cg = createCgroup(specWith(`-.slice:berth-test:${unit}`), 'sd');
    assert.equal(cg.paths.path, `/berth-test-${unit}.scope`);
    for (const [ctrl, m] of layout.v1) assert.equal(cg.paths.v1[ctrl], `${m.mountpoint}/berth-test-${unit}.scope`);
    assert.ok([...Object.values(cg.paths.v1), cg.paths.unified].filter(Boolean).every((d) => existsSync(d!)));
  } finally {
    cleanup(cg);
  }
});

test('a cgroupsPath that already holds processes is refused, and its processes are left alone', () => {
  const name = testName('busy');
  const sleeper = spawn('sleep', ['60']);
  let first: CgroupHandle | undefined;
  try {
    first = createCgroup(specWith(`/${name}`), 'busy');
    first.addProcess(sleeper.pid!);
    assert.throws(() => createCgroup(specWith(`/${name}`), 'busy2'), new RegExp(`^CgroupError: /linux/cgroupsPath: cgroup /${name} already holds processes \\(${sleeper.pid}\\); a container needs a cgroup of its own$`, 'm'));
    assert.deepEqual(first.pids(), [sleeper.pid], 'the refused create removed nothing');
  } finally {
    cleanup(first, sleeper);
  }
});

test(`the cgroup2 backend on the real kernel: cgroup.freeze, cgroup.kill, rmdir (on ${layout.unified?.mountpoint ?? 'no cgroup2 mount'})`, { skip: !layout.unified && 'this host mounts no cgroup2 hierarchy' }, async () => {
  const v2: Layout = { mode: 'v2', v1: new Map(), unified: layout.unified };
  const counter = gatedShell('i=0; while true; do i=$((i+1)); done');
  let cg: CgroupHandle | undefined;
  try {
    cg = createCgroup(specWith(`/${testName('v2real')}`), 'v2real', { layout: v2 });
    cg.addProcess(counter.pid!);
    counter.stdin.write('go\n');
    cg.freeze();
    assert.equal(cg.isFrozen(), true);
    assert.match(read(cg.paths.unified!, 'cgroup.events'), /^frozen 1$/m);
    const t1 = cpuTicks(counter.pid!);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(cpuTicks(counter.pid!), t1, 'frozen by cgroup.freeze');
    cg.thaw();
    assert.equal(cg.isFrozen(), false);
    const exit = new Promise((r) => counter.on('exit', (_c, sig) => r(sig)));
    cg.killAll('SIGKILL');
    assert.equal(await exit, 'SIGKILL');
  } finally {
    cleanup(cg, counter);
  }
});
