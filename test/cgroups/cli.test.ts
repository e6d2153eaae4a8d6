// pause, resume, update, events, ps and delete through dist/berth on real
// busybox containers: limits checked from inside the container, the cgroup
// gone after delete (also after kill, also when paused), OOM reported.
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { ensureBuilt, Runner, until } from '../runtime/harness';
import { cgroupPaths, hostLayout, openCgroup, type SavedCgroup } from '../../helper/linux/cgroups/index';
import type { Resources } from '../../helper/spec/types';
import { statsResult } from '../../helper/runtime/cgroups';
import { testName } from './helpers';

const layout = hostLayout();
const v2 = layout.mode === 'v2';
const SLEEP = ['sh', '-c', 'trap "exit 0" TERM; sleep 300 & wait'];

describe('berth cgroup verbs', () => {
  const bundles: Bundle[] = [];
  let r: Runner;
  before(() => {
    ensureBuilt();
    // Ids here already carry the pid, and verbs such as update, pause and ps
    // take them as they are.
    r = new Runner(undefined, 'berth', false);
  });
  const cgroups: SavedCgroup[] = [];
  after(() => {
    r.cleanup();
    for (const b of bundles) b.cleanup();
    // If the CLI could not clean up (dist/berth being rebuilt by a parallel
    // build, say), remove the cgroups directly: thaw, kill, rmdir.
    for (const cg of cgroups) openCgroup(cg).destroy();
  });

  /** Runs a detached container with these resources; returns its id and cgroup. */
  function runContainer(tag: string, args: string[], resources?: Resources): { id: string; cg: SavedCgroup; pid: number } {
    const b = makeBundle(args, (s) => {
      s.linux!.cgroupsPath = `/${testName(tag)}`;
      s.linux!.resources = resources;
    });
    bundles.push(b);
    const id = `${tag}-${process.pid}`;
    const res = r.run(['run', '-d', '--bundle', b.dir, id]);
    assert.equal(res.status, 0, res.stderr);
    const cg = JSON.parse(readFileSync(join(r.root, id, 'cgroup.json'), 'utf8')) as SavedCgroup;
    cgroups.push(cg);
    return { id, cg, pid: r.state(id).pid };
  }

  function dirsOf(cg: SavedCgroup): string[] {
    return [...Object.values(cg.v1), cg.unified].filter((d): d is string => !!d);
  }

  function inside(id: string, file: string): string {
    const res = r.run(['exec', id, 'cat', file]);
    assert.equal(res.status, 0, res.stderr);
    return res.stdout.trim();
  }

  test('limits from config.json and from update are in the cgroup files seen inside the container', () => {
    const { id } = runContainer('limits', SLEEP, { memory: { limit: 96 << 20 }, pids: { limit: 64 }, cpu: { shares: 256 } });
    const memFile = v2 ? '/sys/fs/cgroup/memory.max' : '/sys/fs/cgroup/memory/memory.limit_in_bytes';
    const pidsFile = v2 ? '/sys/fs/cgroup/pids.max' : '/sys/fs/cgroup/pids/pids.max';
    assert.equal(inside(id, memFile), String(96 << 20));
    assert.equal(inside(id, pidsFile), '64');

    const u = r.run(['update', '--memory', '80m', '--pids-limit', '32', '--cpu-share', '512', id]);
    assert.equal(u.status, 0, u.stderr);
    assert.equal(inside(id, memFile), String(80 << 20));
    assert.equal(inside(id, pidsFile), '32');

    // --resources - reads a linux.resources document from stdin
    const doc = join(r.root, 'res.json');
    writeFileSync(doc, JSON.stringify({ pids: { limit: 40 } }));
    const fd = openSync(doc, 'r');
    try {
      const u2 = r.run(['update', '--resources', '-', id], { stdio: [fd, 'ignore', 'pipe' as never] });
      assert.equal(u2.status, 0);
    } finally {
      closeSync(fd);
    }
    assert.equal(inside(id, pidsFile), '40');
    const stored = JSON.parse(readFileSync(join(r.root, id, 'config.json'), 'utf8'));
    assert.deepEqual(stored.linux.resources.pids, { limit: 40 }, 'update is kept in the stored config');
    assert.equal(stored.linux.resources.memory.limit, 80 << 20);

    const bad = r.run(['update', '--cpu-rt-runtime', '99999999', id]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, v2 ? /\/linux\/resources\/cpu\/realtimeRuntime: cpu.rt_runtime_us exists only on cgroup v1/ : /\/linux\/resources\/cpu\/realtimeRuntime: write \\?"99999999\\?" to \S+cpu.rt_runtime_us: the kernel rejected the value/);
  });

  test('pause freezes the container (status paused, no CPU used), resume thaws it', async () => {
    const { id, pid } = runContainer('pause', ['sh', '-c', 'while :; do :; done']);
    assert.equal(r.run(['pause', id]).status, 0);
    assert.equal(r.state(id).status, 'paused');
    const t1 = cpuTicks(pid);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(cpuTicks(pid), t1, 'a paused container runs nothing');
    const again = r.run(['pause', id]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /cannot pause container `[^`]+`: it is paused, not running/);
    assert.equal(r.run(['resume', id]).status, 0);
    assert.equal(r.state(id).status, 'running');
    await new Promise((res) => setTimeout(res, 300));
    assert.ok(cpuTicks(pid) > t1, 'a resumed container runs again');
    assert.match(r.run(['resume', id]).stderr, /cannot resume container `[^`]+`: it is running, not paused/);
  });

  test('events --stats prints one stats event; ps lists the container processes as json and as a table', () => {
    const { id, pid } = runContainer('stats', SLEEP, { memory: { limit: 100 << 20 }, pids: { limit: 20 } });
    const ev = r.run(['events', '--stats', id]);
    assert.equal(ev.status, 0, ev.stderr);
    const e = JSON.parse(ev.stdout);
    assert.equal(e.type, 'stats');
    assert.equal(e.id, id);
    assert.equal(e.data.memory.usage.limit, 100 << 20);
    assert.equal(e.data.pids.limit, 20);
    assert.ok(e.data.pids.current >= 2, 'sh and sleep');
    assert.ok(e.data.cpu.usage.total > 0);
    // the same numbers in berthd's stats shape
    const d = statsResult({ root: r.root }, id);
    assert.equal(d.memory?.limitBytes, 100 << 20);
    assert.equal(d.memory?.oomKills, 0);
    assert.deepEqual(d.pids, { current: e.data.pids.current, limit: 20 });
    assert.ok((d.cpu?.usageNanos ?? 0) > 0);

    const js = r.run(['ps', '--format', 'json', id]);
    assert.equal(js.status, 0, js.stderr);
    const pids = JSON.parse(js.stdout) as number[];
    assert.ok(pids.includes(pid));
    assert.equal(pids.length, 2);
    const table = r.run(['ps', id, '--', '-o', 'pid,comm']);
    assert.equal(table.status, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0], /PID/);
    assert.deepEqual(lines.slice(1).map((l) => l.trim().split(/\s+/)[1]).sort(), ['sh', 'sleep']);
  });

  test('events reports the OOM killer acting in the container and ends with it', () => {
    // sh outlives the OOM-killed tail, then exits; events ends when the container stops.
    const { id } = runContainer('oom', ['sh', '-c', 'sleep 1; tail /dev/zero; sleep 1'], { memory: { limit: 64 << 20, swap: 64 << 20 } });
    const ev = r.run(['events', '--interval', '10s', id], { timeoutMs: 20_000 });
    assert.equal(ev.status, 0, ev.stderr);
    const types = ev.stdout.trim().split('\n').map((l) => JSON.parse(l).type);
    assert.ok(types.includes('oom'), ev.stdout);
  });

  test('the cgroup is removed on delete: after kill, and by delete --force of a paused container', async () => {
    const a = runContainer('delkill', SLEEP);
    assert.ok(dirsOf(a.cg).every(existsSync));
    assert.equal(r.run(['kill', a.id, 'KILL']).status, 0);
    await until(() => r.state(a.id).status === 'stopped', 5000, 'stopped after KILL');
    assert.equal(r.run(['delete', a.id]).status, 0);
    for (const d of dirsOf(a.cg)) assert.equal(existsSync(d), false, `${d} removed`);

    const b = runContainer('delpaused', SLEEP);
    assert.equal(r.run(['pause', b.id]).status, 0);
    const del = r.run(['delete', '--force', b.id]);
    assert.equal(del.status, 0, del.stderr);
    for (const d of dirsOf(b.cg)) assert.equal(existsSync(d), false, `${d} removed`);
  });

  test('kill --all reaches every process of the cgroup', async () => {
    const { id, pid } = runContainer('killall', ['sh', '-c', 'sleep 300 & sleep 300 & wait']);
    const before = JSON.parse(r.run(['ps', '--format', 'json', id]).stdout) as number[];
    assert.equal(before.length, 3);
    assert.equal(r.run(['kill', '--all', id, 'KILL']).status, 0);
    await until(() => before.every((p) => !existsSync(`/proc/${p}/stat`) || /\) Z /.test(readFileSync(`/proc/${p}/stat`, 'utf8'))), 5000, 'every process gone');
    assert.ok(pid > 0);
  });

  test('a small pids limit holds inside the container without starving the init stage', () => {
    const b = makeBundle(['sh', '-c', 'for i in 1 2 3 4; do sleep 1 & done; wait'], (s) => {
      s.linux!.cgroupsPath = `/${testName('pids')}`;
      s.linux!.resources = { pids: { limit: 3 } };
    });
    bundles.push(b);
    cgroups.push(cgroupPaths(b.spec.linux!.cgroupsPath, 'pids'));
    const id = `pids-${process.pid}`;
    const res = r.run(['run', '--bundle', b.dir, id]);
    assert.equal(res.status, 2, `busybox sh exits 2 when fork fails: ${res.stderr}`);
    assert.doesNotMatch(res.stdout + res.stderr, /pthread_create/, 'the Node init stage was not limited');
    assert.match(res.stdout + res.stderr, /can't fork|Resource temporarily unavailable/i, 'the container hit pids.max = 3');
    // run deletes the container when it exits, cgroup included
    for (const [, m] of layout.v1) assert.equal(existsSync(join(m.mountpoint, b.spec.linux!.cgroupsPath!)), false);
  });

  test('a resource the host cannot honour fails create with its pointer and leaves no cgroup or state behind', () => {
    const b = makeBundle(['true'], (s) => {
      s.linux!.cgroupsPath = `/${testName('refused')}`;
      s.linux!.resources = { hugepageLimits: [{ pageSize: '3MB', limit: 1 << 30 }] };
    });
    bundles.push(b);
    cgroups.push(cgroupPaths(b.spec.linux!.cgroupsPath, 'refused'));
    const id = `refused-${process.pid}`;
    const res = r.run(['create', '--bundle', b.dir, id]);
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /\/linux\/resources\/hugepageLimits\/0(\/pageSize: page size \\?"3MB\\?" is not offered by this host|: needs the hugetlb controller)/);
    assert.equal(existsSync(join(r.root, id)), false);
    const path = b.spec.linux!.cgroupsPath!;
    for (const [, m] of layout.v1) assert.equal(existsSync(join(m.mountpoint, path)), false);
    if (layout.unified) assert.equal(existsSync(join(layout.unified.mountpoint, path)), false);
  });
});

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}
