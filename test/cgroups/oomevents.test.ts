// OOM kills reported by the kernel's notification, not at a poll: a real
// busybox container under a memory limit runs `tail /dev/zero` (which buffers
// without end) each time the test drops a trigger file into its rootfs, and
// the `oom` event must arrive within a second of the trigger — through the
// runtime's watch (the API berthd's event stream uses), through `berth
// events`, and through berthd's event stream itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hostLayout, openCgroup, type SavedCgroup } from '../../helper/linux/cgroups/index';
import type { ContainerEvent } from '../../helper/protocol/events';
import { watchOomKills } from '../../helper/runtime/oomevents';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { cleanupDir, makeDir, startBerthd } from '../daemon/harness';
import { ensureBuilt, Runner, until } from '../runtime/harness';
import { testName } from './helpers';

const layout = hostLayout();
const LIMIT = { memory: { limit: 64 << 20, swap: 64 << 20 } };
/** Waits for /go1, OOMs, waits for /go2, OOMs, …; prints after each kill so the test sees the shell survived. */
const OOM_ON_TRIGGER = ['sh', '-c', 'n=1; while :; do while [ ! -e /go$n ]; do usleep 10000; done; tail /dev/zero; echo killed$n; n=$((n+1)); done'];
/** An OOM event must come this soon after the trigger (the old poll was once a second in berthd). */
const WITHIN_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OOM events by kernel notification', { skip: !layout.v1.has('memory') && layout.mode !== 'v2' ? 'this host mounts no memory controller' : false }, () => {
  const bundles: Bundle[] = [];
  const cgroups: SavedCgroup[] = [];
  let r: Runner;
  before(() => {
    ensureBuilt();
    r = new Runner();
  });
  after(() => {
    r.cleanup();
    for (const b of bundles) b.cleanup();
    for (const cg of cgroups) openCgroup(cg).destroy();
  });

  function runOomContainer(tag: string): { id: string; bundle: Bundle; cgroupsPath: string } {
    const cgroupsPath = `/${testName(tag)}`;
    const bundle = makeBundle(OOM_ON_TRIGGER, (s) => {
      s.linux!.cgroupsPath = cgroupsPath;
      s.linux!.resources = LIMIT;
    });
    bundles.push(bundle);
    const res = r.run(['run', '-d', '--bundle', bundle.dir, tag]);
    assert.equal(res.status, 0, res.stderr);
    const id = r.id(tag);
    cgroups.push(JSON.parse(readFileSync(join(r.root, id, 'cgroup.json'), 'utf8')) as SavedCgroup);
    return { id, bundle, cgroupsPath };
  }

  test('the runtime watch (berthd\'s API) reports each kill within a second, by eventfd on v1', async (t) => {
    const { id, bundle } = runOomContainer('oomwatch');
    const seen: number[] = [];
    const sub = watchOomKills({ root: r.root }, id, () => seen.push(Date.now()));
    try {
      assert.equal(sub.kind, layout.mode === 'v2' ? 'inotify' : 'eventfd', 'the kernel\'s notification, not the counter poll');
      for (const n of [1, 2]) {
        const t0 = Date.now();
        writeFileSync(join(bundle.rootfs, `go${n}`), '');
        await until(() => seen.length >= n, WITHIN_MS, `oom event ${n} within ${WITHIN_MS} ms of the trigger`).catch(async (e) => {
          await sleep(3000);
          const cg = JSON.parse(readFileSync(join(r.root, id, 'cgroup.json'), 'utf8')) as SavedCgroup;
          throw new Error(`${e.message}; 3 s later: ${seen.length} events, counter ${openCgroup(cg).oomKills()}, output ${readFileSync(r.stdoutPath, 'utf8')}`);
        });
        t.diagnostic(`oom ${n}: ${seen[n - 1] - t0} ms after the trigger`);
      }
      await sleep(200);
      assert.equal(seen.length, 2, 'one event per kill');
      const cg = JSON.parse(readFileSync(join(r.root, id, 'cgroup.json'), 'utf8')) as SavedCgroup;
      assert.equal(openCgroup(cg).oomKills(), 2, 'the kernel counted two kills');
    } finally {
      sub.close();
    }
  });

  test('`berth events` prints {"type":"oom"} within a second of the kill and ends with the container', async (t) => {
    const { id, bundle } = runOomContainer('oomcli');
    const ev = spawn(r.bin, ['--root', r.root, 'events', '--interval', '30s', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: { type: string; at: number }[] = [];
    let buf = '';
    let stderr = '';
    ev.stdout.on('data', (d) => {
      buf += d;
      for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) lines.push({ type: (JSON.parse(buf.slice(0, i)) as { type: string }).type, at: Date.now() });
    });
    ev.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<number | null>((res) => ev.on('exit', (code) => res(code)));
    try {
      await until(() => lines.some((l) => l.type === 'stats'), 5000, `the first stats line (stderr: ${stderr})`);
      const t0 = Date.now();
      writeFileSync(join(bundle.rootfs, 'go1'), '');
      await until(() => lines.some((l) => l.type === 'oom'), WITHIN_MS, `an oom line within ${WITHIN_MS} ms`);
      t.diagnostic(`berth events: oom ${lines.find((l) => l.type === 'oom')!.at - t0} ms after the trigger`);
      assert.equal(r.run(['kill', 'oomcli', 'KILL']).status, 0);
      assert.equal(await Promise.race([done, sleep(3000).then(() => 'still running')]), 0, 'events ends when the container stops');
    } finally {
      ev.kill('SIGKILL');
    }
  });

  test('berthd\'s event stream carries the oom event within a second', async (t) => {
    const dir = makeDir();
    const b = await startBerthd(dir);
    const cgroupsPath = `/${testName('oomd')}`;
    const id = `oomd-${process.pid}`;
    const bundle = makeBundle(OOM_ON_TRIGGER, (s) => {
      s.linux!.cgroupsPath = cgroupsPath;
      s.linux!.resources = LIMIT;
    });
    bundles.push(bundle);
    try {
      const c = await b.connect();
      const events: (ContainerEvent & { at: number })[] = [];
      c.onEvent((e) => events.push({ ...e, at: Date.now() }));
      await c.request('subscribe', { ids: [id] });
      await c.request('run', { id, bundle: bundle.dir });
      const t0 = Date.now();
      writeFileSync(join(bundle.rootfs, 'go1'), '');
      await until(() => events.some((e) => e.type === 'oom'), WITHIN_MS, `an oom event within ${WITHIN_MS} ms (have ${events.map((e) => e.type).join(',')})`);
      t.diagnostic(`berthd: oom ${events.find((e) => e.type === 'oom')!.at - t0} ms after the trigger`);
      c.close();
    } finally {
      await b.stop();
      await cleanupDir(dir);
    }
  });
});
