// berthd's pool of pre-started inits (helper/daemon/pool.ts), on a real
// berthd: the waiting inits are PID 1 of their own pid namespaces, hold
// nothing of berthd's, are not containers; a create takes one (its output
// reaches the container's log through the renamed slot file) and the pool
// refills; a terminal container falls back to a fresh init; SIGKILL or
// SIGTERM of berthd leaves no pooled init behind; a burst of concurrent
// creates is served by a pool that grows (bounded) and shrinks back.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { after, test } from 'node:test';
import type { ContainerEvent } from '../../helper/protocol/events';
import { POOL_MAX } from '../../helper/daemon/pool';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { cleanupDir, makeDir, sleep, startBerthd, type Berthd } from './harness';

const dirs: string[] = [];
const bundles: Bundle[] = [];
const daemons: Berthd[] = [];

after(async () => {
  for (const d of daemons) await d.crash();
  for (const x of bundles) x.cleanup();
  for (const d of dirs) await cleanupDir(d);
});

async function berthd(extra: string[] = []): Promise<Berthd> {
  const dir = makeDir();
  dirs.push(dir);
  const b = await startBerthd(dir, extra);
  daemons.push(b);
  return b;
}

/** Alive (not zombie) children of pid that run dist/init.js: the pooled inits while no create is under way. */
function pooled(pid: number): number[] {
  let kids: number[];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return kids.filter((k) => alive(k) && cmdline(k).includes('init.js'));
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** True while pid exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

async function until<T>(what: string, f: () => T | undefined | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    assert.ok(Date.now() < deadline, `${what} within ${ms} ms`);
    await sleep(20);
  }
}

async function fullPool(b: Berthd, n: number): Promise<number[]> {
  return until(`${n} pooled inits`, () => {
    const p = pooled(b.child.pid!);
    return p.length === n && p;
  });
}

async function waitEvent(events: ContainerEvent[], id: string, type: string): Promise<ContainerEvent> {
  return until(`${type} event of ${id}`, () => events.find((e) => e.id === id && e.type === type));
}

test('pooled inits wait as PID 1 of fresh pid namespaces, hold only their stdio and sync socket, and are not containers', async () => {
  const b = await berthd(['--init-pool', '3']);
  const pids = await fullPool(b, 3);
  const hostNs = readlinkSync('/proc/self/ns/pid');
  const nss = new Set(pids.map((p) => readlinkSync(`/proc/${p}/ns/pid_for_children`)));
  assert.equal(nss.size, 3, 'each pooled init has a pid namespace of its own');
  for (const p of pids) {
    assert.notEqual(readlinkSync(`/proc/${p}/ns/pid_for_children`), hostNs);
    assert.match(readFileSync(`/proc/${p}/status`, 'utf8'), /NSpid:\s+\d+\s+1\n/, `pooled init ${p} is PID 1 inside`);
    // Until its first statement runs, a starting init still holds the read-only node image it was started from
    // (helper/runtime/stage-image.ts), and Node's own start-up briefly opens libraries (libgcc_s): judge a
    // pooled init once it waits, i.e. once what it holds has stopped changing.
    let fds = readdirSync(`/proc/${p}/fd`);
    let since = Date.now();
    await until(`pooled init ${p} holding the same fds for 200 ms`, () => {
      const now = readdirSync(`/proc/${p}/fd`);
      if (now.join() !== fds.join()) [fds, since] = [now, Date.now()];
      return Date.now() - since >= 200;
    }, 5000);
    const node = statSync(process.execPath);
    // The image fd closes as the init starts: one listed a moment ago may be gone by now (then it was the image).
    const what = (fd: string): string | undefined => {
      try {
        const st = statSync(`/proc/${p}/fd/${fd}`);
        return st.ino === node.ino && st.dev === node.dev ? undefined : readlinkSync(`/proc/${p}/fd/${fd}`);
      } catch {
        return undefined;
      }
    };
    const targets = fds.map(what).filter((t): t is string => t !== undefined);
    const paths = targets.filter((t) => t.startsWith('/'));
    for (const t of paths) assert.ok(t === '/dev/null' || /\/berthd@\/pool\/slot-\d+\.log$/.test(t), `pooled init ${p} holds ${t}`);
    assert.equal(targets.filter((t) => t.startsWith('socket:')).length, 1, `pooled init ${p} holds exactly one socket (its sync channel)`);
  }
  const c = await b.connect();
  try {
    assert.deepEqual((await c.request('list', {})).containers, [], 'pooled inits are not listed as containers');
  } finally {
    c.close();
  }
});

test('a create takes a pooled init: output reaches the container log, exit status recorded, pool refilled', async () => {
  const b = await berthd();
  const before = await fullPool(b, 2);
  const x = makeBundle(['sh', '-c', 'echo pooled-out; echo pooled-err >&2; exit 3']);
  bundles.push(x);
  const c = await b.connect();
  try {
    const events: ContainerEvent[] = [];
    c.onEvent((e) => events.push(e));
    await c.request('subscribe', { ids: ['pooled1'] });
    const created = await c.request('create', { id: 'pooled1', bundle: x.dir });
    assert.ok(created.pid !== undefined && before.includes(created.pid), `container pid ${created.pid} is one of the pooled inits ${before.join(',')}`);
    await c.request('start', { id: 'pooled1' });
    const exited = await waitEvent(events, 'pooled1', 'exited');
    assert.equal(exited.exitStatus?.code, 3);
    const log = Buffer.from((await c.request('logs', { id: 'pooled1' })).data, 'base64').toString();
    assert.match(log, /pooled-out/);
    assert.match(log, /pooled-err/);
    await c.request('delete', { id: 'pooled1' });
    const after = await fullPool(b, 2);
    assert.ok(!after.includes(created.pid!), 'the taken init was replaced by a new one');
  } finally {
    c.close();
  }
});

test('a terminal container falls back to a fresh init and leaves the pool alone', async () => {
  const b = await berthd();
  const before = await fullPool(b, 2);
  const x = makeBundle(['sleep', '30'], (s) => (s.process!.terminal = true));
  bundles.push(x);
  const c = await b.connect();
  try {
    const created = await c.request('create', { id: 'tty1', bundle: x.dir });
    assert.ok(created.pid !== undefined && !before.includes(created.pid), 'the terminal container got its own init');
    assert.deepEqual(pooled(b.child.pid!).filter((p) => p !== created.pid).sort(), [...before].sort(), 'the pool is untouched');
    await c.request('delete', { id: 'tty1', force: true });
  } finally {
    c.close();
  }
});

test('killing berthd (SIGKILL or SIGTERM) leaves no pooled init behind', async () => {
  for (const how of ['crash', 'stop'] as const) {
    const b = await berthd();
    const pids = await fullPool(b, 2);
    await b[how]();
    await until(`pooled inits ${pids.join(',')} gone after berthd's ${how}`, () => pids.every((p) => !alive(p) || !cmdline(p).includes('init.js')), 5000);
  }
});

test(`a burst of concurrent creates: every one is served, at most ${POOL_MAX} pooled init stages at once, the pool grows and shrinks back`, async () => {
  const b = await berthd();
  await fullPool(b, 2);
  const x = makeBundle(['sleep', '30']);
  bundles.push(x);
  const c = await b.connect();
  const n = 20; // ids carry our pid: their cgroups are host-wide, and another checkout may run this test at the same time
  let peak = 0;
  let sampling = true;
  // init.js children of berthd: pooled ones, and inits of creates not yet exec'd into `sleep`.
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, pooled(b.child.pid!).length);
      await sleep(5);
    }
  })();
  try {
    const runs = await Promise.allSettled(Array.from({ length: n }, (_, i) => c.request('run', { id: `burst${process.pid}-${i}`, bundle: x.dir })));
    sampling = false;
    await sampler;
    assert.deepEqual(runs.filter((r) => r.status === 'rejected'), [], 'every create of the burst succeeded');
    // Counted: pooled inits, creates in progress, and created containers whose start (the next request of their `run`) has not yet
    // replaced init.js by `sleep`; a few of the last kind beside the bound. Unbounded, all 20 boot at once.
    assert.ok(peak <= POOL_MAX + 3, `at most ${POOL_MAX} init stages booting at once during the burst (saw ${peak} init.js processes)`);
    console.log(`burst of ${n}: at most ${peak} init.js processes at once`);
    // Only pooled inits count now: a container's own init still shows init.js until its execve, right after its start.
    const containerPids = new Set((await c.request('list', {})).containers.map((k) => k.pid));
    const poolOnly = () => pooled(b.child.pid!).filter((p) => !containerPids.has(p)).length;
    const grown = await until('the pool grown past its base size after the burst', () => poolOnly() > 2 && poolOnly());
    assert.ok(grown <= POOL_MAX, `grown to ${grown}, at most ${POOL_MAX}`);
    await Promise.all(Array.from({ length: n }, (_, i) => c.request('delete', { id: `burst${process.pid}-${i}`, force: true })));
    // Back to the base size once idle (IDLE_MS in pool.ts).
    await until('the pool back to 2 when idle', () => pooled(b.child.pid!).length === 2, 15_000);
  } finally {
    sampling = false;
    c.close();
  }
});
