// The lifecycle through the socket: create/start/exit/delete with the exit
// status recorded and an `exited` event, non-tty output in the container's
// log, containers created outside berthd (the CLI's way, through the
// runtime library) listed with live status, and SIGTERM leaving containers
// running for the next berthd to list again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ContainerEvent } from '../../helper/protocol/events';
import { ErrorCode } from '../../helper/protocol/errors';
import { isCode } from '../../helper/protocol/client';
import { runtime } from '../../helper/runtime/runtime';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { cleanupDir, makeDir, sleep, startBerthd, type Berthd } from './harness';

let b: Berthd;
let dir: string;
const bundles: Bundle[] = [];

before(async () => {
  dir = makeDir();
  b = await startBerthd(dir);
});

after(async () => {
  await b.stop();
  for (const x of bundles) x.cleanup();
  await cleanupDir(dir);
});

async function waitEvent(events: ContainerEvent[], type: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!events.some((e) => e.type === type)) {
    assert.ok(Date.now() < deadline, `${type} event within 5 s (have ${events.map((e) => e.type).join(',')})`);
    await sleep(50);
  }
}

function bundle(args: string[]): Bundle {
  const x = makeBundle(args);
  bundles.push(x);
  return x;
}

test('create → start → exit → delete: exit status recorded, events in order, output logged', async () => {
  const c = await b.connect();
  try {
    const events: ContainerEvent[] = [];
    c.onEvent((e) => events.push(e));
    await c.request('subscribe', { ids: ['life1'] });
    const x = bundle(['sh', '-c', 'echo to-stdout; echo to-stderr >&2; exit 7']);
    const created = await c.request('create', { id: 'life1', bundle: x.dir });
    assert.equal(created.status, 'created');
    assert.equal(created.owner, 'berthd');
    await c.request('start', { id: 'life1' });
    const deadline = Date.now() + 5000;
    let st = await c.request('state', { id: 'life1' });
    while (st.status !== 'stopped' || !st.exitStatus) {
      assert.ok(Date.now() < deadline, 'container stops within 5 s');
      await sleep(20);
      st = await c.request('state', { id: 'life1' });
    }
    assert.equal(st.exitStatus.code, 7);
    const log = Buffer.from((await c.request('logs', { id: 'life1' })).data, 'base64').toString();
    assert.match(log, /to-stdout/);
    assert.match(log, /to-stderr/);
    await c.request('delete', { id: 'life1' });
    await sleep(50);
    assert.deepEqual(events.map((e) => e.type), ['created', 'started', 'exited', 'deleted']);
    assert.equal(events[2].exitStatus?.code, 7);
    await assert.rejects(c.request('state', { id: 'life1' }), (e) => isCode(e, ErrorCode.NotFound));
  } finally {
    c.close();
  }
});

test('a second create with the same id is refused with Exists', async () => {
  const c = await b.connect();
  try {
    const x = bundle(['sleep', '10']);
    await c.request('create', { id: 'dup', bundle: x.dir });
    await assert.rejects(c.request('create', { id: 'dup', bundle: x.dir }), (e) => isCode(e, ErrorCode.Exists));
    await c.request('delete', { id: 'dup', force: true });
  } finally {
    c.close();
  }
});

test('containers created outside berthd in the same root are listed with live status and reported as events', async () => {
  const x = bundle(['sleep', '30']);
  const c = await b.connect();
  const events: ContainerEvent[] = [];
  c.onEvent((e) => events.push(e));
  await c.request('subscribe', { ids: ['ext1'] });
  const made = await runtime.create({ root: b.root }, { id: 'ext1', bundle: x.dir, stdio: [0, 1, 2] });
  try {
    await runtime.start({ root: b.root }, 'ext1');
    let info = (await c.request('list', {})).containers.find((s) => s.id === 'ext1');
    assert.equal(info?.status, 'running');
    assert.equal(info?.owner, 'external');
    // Its created time comes from the runtime's state, as for berthd's own (the view shows it and the uptime).
    const stored = JSON.parse(readFileSync(join(b.root, 'ext1', 'state.json'), 'utf8')) as { created: string };
    assert.equal(info?.created, stored.created);
    assert.equal((await c.request('state', { id: 'ext1' })).created, stored.created);
    // berthd learns of outside changes by a one-second poll: give it the time to see each state.
    await waitEvent(events, 'started');
    await c.request('kill', { id: 'ext1', signal: 'KILL' });
    await made.exited;
    info = await c.request('state', { id: 'ext1' });
    assert.equal(info.status, 'stopped', 'status comes from the process, not the stored file');
    await waitEvent(events, 'exited');
    await runtime.delete({ root: b.root }, 'ext1');
    await waitEvent(events, 'deleted');
    assert.deepEqual(events.map((e) => e.type).filter((t) => t !== 'started' && t !== 'created'), ['exited', 'deleted']);
    assert.ok(events.some((e) => e.type === 'created' || e.type === 'started'), 'the external container was announced');
  } finally {
    c.close();
  }
});

test('SIGTERM stops berthd but not its containers; the next berthd lists them', async () => {
  const x = bundle(['sleep', '30']);
  let c = await b.connect();
  const { pid } = await c.request('run', { id: 'survivor', bundle: x.dir });
  c.close();
  assert.equal(await b.stop(), 0);
  process.kill(pid!, 0); // throws if the container died with berthd
  b = await b.restart();
  c = await b.connect();
  try {
    const st = await c.request('state', { id: 'survivor' });
    assert.equal(st.status, 'running');
    assert.equal(st.pid, pid);
    await c.request('delete', { id: 'survivor', force: true });
  } finally {
    c.close();
  }
});

test('pause, resume, ps, stats, update and exec through the socket', async () => {
  const c = await b.connect();
  try {
    const events: ContainerEvent[] = [];
    c.onEvent((e) => events.push(e));
    await c.request('subscribe', { ids: ['ops'] });
    const x = bundle(['sleep', '30']);
    const { pid } = await c.request('run', { id: 'ops', bundle: x.dir });
    assert.deepEqual((await c.request('ps', { id: 'ops' })).pids, [pid]);
    const stats = await c.request('stats', { id: 'ops' });
    assert.ok((stats.pids?.current ?? 0) >= 1, 'pids counted in the cgroup');
    await c.request('pause', { id: 'ops' });
    assert.equal((await c.request('state', { id: 'ops' })).status, 'paused');
    await c.request('resume', { id: 'ops' });
    assert.equal((await c.request('state', { id: 'ops' })).status, 'running');
    await c.request('update', { id: 'ops', resources: { pids: { limit: 50 } } });
    assert.equal((await c.request('stats', { id: 'ops' })).pids?.limit, 50);
    const { pid: execPid } = await c.request('exec', { id: 'ops', process: { args: ['sh', '-c', 'echo from-exec'], cwd: '/', user: { uid: 0, gid: 0 } } });
    assert.ok(execPid > 0);
    const deadline = Date.now() + 5000;
    while (!Buffer.from((await c.request('logs', { id: 'ops' })).data, 'base64').toString().includes('from-exec')) {
      assert.ok(Date.now() < deadline, 'exec output reaches the container log');
      await sleep(20);
    }
    await c.request('delete', { id: 'ops', force: true });
    await sleep(50);
    assert.deepEqual(events.map((e) => e.type).filter((t) => t !== 'exited'), ['created', 'started', 'paused', 'resumed', 'deleted']);
  } finally {
    c.close();
  }
});

test('requests for one container run in order; two containers can be created at once', async () => {
  const c = await b.connect();
  try {
    const x = bundle(['sleep', '30']);
    // Sent back to back without waiting: start and delete only succeed because
    // each waits for the request before it on the same id.
    const [created, started, killed, deleted] = await Promise.allSettled([
      c.request('create', { id: 'q1', bundle: x.dir }),
      c.request('start', { id: 'q1' }),
      c.request('kill', { id: 'q1', signal: 'KILL' }),
      c.request('delete', { id: 'q1', force: true }),
    ]);
    for (const r of [created, started, killed, deleted]) assert.equal(r.status, 'fulfilled', String((r as PromiseRejectedResult).reason));
    // Two ids at once: both creates are in flight together, and both succeed.
    const both = await Promise.all([c.request('create', { id: 'q2', bundle: x.dir }), c.request('create', { id: 'q3', bundle: x.dir })]);
    assert.deepEqual(both.map((s) => s.status), ['created', 'created']);
    await Promise.all([c.request('delete', { id: 'q2', force: true }), c.request('delete', { id: 'q3', force: true })]);
  } finally {
    c.close();
  }
});
