// Where a container's cgroup goes when config.json has no linux.cgroupsPath
// (or a relative one). cgroup v1 and hybrid: under the runtime's own cgroup,
// per hierarchy. Pure cgroup v2: beside it, under its parent, as runc's fs2
// driver does, because a v2 cgroup that holds processes (the runtime's own)
// cannot hand controllers to children. The real checks run only on a pure v2
// host (the test VM: scripts/vm/run.sh test/cgroups/placement).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cgroupPaths, hostLayout, openCgroup, type SavedCgroup } from '../../helper/linux/cgroups/index';
import { detectLayout } from '../../helper/linux/cgroups/layout';
import { ownCgroups } from '../../helper/linux/cgroups/path';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { BERTH, ensureBuilt, hasRunc, Runner, runcPath } from '../runtime/harness';
import { testName } from './helpers';

const V2 = detectLayout('30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate');
const HYBRID = detectLayout(`32 31 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw`);

test('pure v2: no or a relative cgroupsPath goes beside the runtime\'s own cgroup; absolute paths and v1/hybrid are unchanged', () => {
  const svc = ownCgroups('0::/system.slice/a.service\n');
  assert.equal(cgroupPaths(undefined, 'c1', V2, svc).unified, '/sys/fs/cgroup/system.slice/c1');
  assert.equal(cgroupPaths('', 'c1', V2, svc).unified, '/sys/fs/cgroup/system.slice/c1');
  assert.equal(cgroupPaths('rel/x', 'c1', V2, svc).unified, '/sys/fs/cgroup/system.slice/rel/x');
  assert.equal(cgroupPaths('/abs/x', 'c1', V2, svc).unified, '/sys/fs/cgroup/abs/x');
  assert.equal(cgroupPaths('machine.slice:libpod:c1', 'c1', V2, svc).unified, '/sys/fs/cgroup/machine.slice/libpod-c1.scope');
  // the root cgroup may hold processes and children at once: its parent is itself
  assert.equal(cgroupPaths(undefined, 'c1', V2, ownCgroups('0::/\n')).unified, '/sys/fs/cgroup/c1');
  // v1 and hybrid: under the own cgroup of each hierarchy, as before
  const own = ownCgroups('3:memory:/m/n\n0::/u/v\n');
  const h = cgroupPaths(undefined, 'c1', HYBRID, own);
  assert.equal(h.v1.memory, '/sys/fs/cgroup/memory/m/n/c1');
  assert.equal(h.unified, '/sys/fs/cgroup/unified/u/v/c1');
});

const layout = hostLayout();
const pureV2 = layout.mode === 'v2' && layout.unified?.mountpoint === '/sys/fs/cgroup' && process.getuid?.() === 0;

describe('pure cgroup v2 host: the container cgroup is never inside a cgroup with processes', { skip: pureV2 ? false : `host cgroup layout is ${layout.mode}, not pure v2 (run it in the VM: scripts/vm/run.sh test/cgroups/placement)` }, () => {
  const MNT = '/sys/fs/cgroup';
  const SLEEP = ['sh', '-c', 'trap "exit 0" TERM; sleep 300 & wait'];
  const runners: Runner[] = [];
  const bundles: Bundle[] = [];
  const saved: SavedCgroup[] = [];
  const made: string[] = [];
  let tmp: string;
  before(() => {
    ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'berth-placement-'));
  });
  after(() => {
    for (const r of runners) r.cleanup();
    for (const b of bundles) b.cleanup();
    for (const cg of saved) if (cg.unified && existsSync(cg.unified)) openCgroup(cg).destroy();
    for (const d of made.reverse()) if (existsSync(d)) rmdirSync(d);
    rmSync(tmp, { recursive: true, force: true });
  });

  /** An executable that joins `cgroup` (a path under /sys/fs/cgroup) and execs `real` with its arguments. */
  function joining(real: string, cgroup: string): string {
    const p = join(tmp, `${posix.basename(real)}-in-${posix.basename(cgroup)}`);
    writeFileSync(p, `#!/bin/sh\necho $$ > '${MNT}${cgroup}/cgroup.procs' || exit 99\nexec '${real}' "$@"\n`);
    chmodSync(p, 0o755);
    return p;
  }

  /** Runs a detached sleeping container with memory and pids limits, no cgroupsPath; returns where its init is. */
  function runUnplaced(r: Runner, id: string): { pid: number; cgroup: string } {
    const b = makeBundle(SLEEP, (s) => {
      delete s.linux!.cgroupsPath;
      s.linux!.resources = { memory: { limit: 64 << 20 }, pids: { limit: 32 } };
    });
    bundles.push(b);
    const res = r.run(['run', '-d', '--bundle', b.dir, id]);
    assert.equal(res.status, 0, `${r.name} run: ${res.stderr}`);
    const pid = r.state(id).pid;
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim();
    assert.match(line, /^0::\//, `a pure v2 host has one cgroup line: ${line}`);
    return { pid, cgroup: line.slice(3) };
  }

  function checkLimits(cgroup: string): void {
    const dir = MNT + cgroup;
    assert.equal(readFileSync(join(dir, 'memory.max'), 'utf8').trim(), String(64 << 20));
    assert.equal(readFileSync(join(dir, 'pids.max'), 'utf8').trim(), '32');
    // no internal processes: the parent holds none (unless it is the root)
    if (dirname(cgroup) !== '/') assert.equal(readFileSync(join(dirname(dir), 'cgroup.procs'), 'utf8').trim(), '', `${dirname(cgroup)} holds processes`);
  }

  test('called from a leaf cgroup: the container goes beside it, with its limits, and delete removes it', () => {
    const top = `/${testName('place')}`;
    const caller = `${top}/caller`;
    mkdirSync(MNT + caller, { recursive: true });
    made.push(MNT + top, MNT + caller);
    const r = new Runner(joining(BERTH, caller), 'berth', false);
    runners.push(r);
    const id = `place-leaf-${process.pid}`;
    const { cgroup } = runUnplaced(r, id);
    assert.equal(cgroup, `${top}/${id}`);
    const cg = JSON.parse(readFileSync(join(r.root, id, 'cgroup.json'), 'utf8')) as SavedCgroup;
    saved.push(cg);
    assert.equal(cg.unified, MNT + cgroup);
    checkLimits(cgroup);
    assert.equal(readFileSync(join(MNT + caller, 'cgroup.procs'), 'utf8').trim(), '', 'the CLI has exited');
    assert.equal(r.run(['kill', id, 'KILL']).status, 0);
    const d = r.run(['delete', '--force', id]);
    assert.equal(d.status, 0, d.stderr);
    assert.equal(existsSync(MNT + cgroup), false, 'delete removed the container cgroup');
  });

  test('called from this process\'s own cgroup (under systemd: a service\'s), as runc is', (t) => {
    const own = ownCgroups().get('') ?? '/';
    const r = new Runner(BERTH, 'berth', false);
    runners.push(r);
    const id = `place-own-${process.pid}`;
    const { cgroup } = runUnplaced(r, id);
    saved.push({ mode: 'v2', path: id, v1: {}, unified: MNT + cgroup });
    assert.equal(cgroup, posix.join(posix.dirname(own), id), `berth run from ${own}`);
    checkLimits(cgroup);
    t.diagnostic(`berth from ${own}: ${cgroup}`);
    if (!hasRunc()) return t.diagnostic('runc is not installed: no comparison');
    const rr = new Runner(runcPath(), 'runc', false);
    runners.push(rr);
    const rid = `place-runc-${process.pid}`;
    const ref = runUnplaced(rr, rid);
    saved.push({ mode: 'v2', path: rid, v1: {}, unified: MNT + ref.cgroup });
    t.diagnostic(`runc from ${own}: ${ref.cgroup}`);
    assert.equal(ref.cgroup, posix.join(posix.dirname(own), rid), 'runc uses the same rule');
  });
});
