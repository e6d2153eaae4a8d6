// Crash recovery: berthd is SIGKILLed at random points of create, start and
// delete (at least 50 times). After each restart the listed containers must
// match the processes that exist, nothing may be half-created, and no
// process, mount, cgroup, state directory or console keeper may leak.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { alive, startTime } from '../../helper/daemon/keeper';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { cleanupDir, makeDir, sleep, startBerthd, type Berthd } from './harness';

const KILLS = Number(process.env.BERTH_CRASH_KILLS ?? 50);
const TAG = `cr${process.pid}`;

let b: Berthd;
let dir: string;
let plain: Bundle;
let tty: Bundle;
/** Every init and keeper pid ever seen, with its start time. */
const seen = new Map<number, string | undefined>();

before(async () => {
  dir = makeDir();
  b = await startBerthd(dir);
  plain = makeBundle(['sleep', '300']);
  tty = makeBundle(['sh'], (s) => {
    s.process!.terminal = true;
  });
});

after(async () => {
  await b.stop();
  plain.cleanup();
  tty.cleanup();
  await cleanupDir(dir);
});

function records(): { id: string; intent?: string; keeper?: { pid: number; startTime: string } }[] {
  const d = join(b.root, 'berthd@', 'containers');
  if (!existsSync(d)) return [];
  return readdirSync(d).flatMap((id) => {
    try {
      return [JSON.parse(readFileSync(join(d, id, 'record.json'), 'utf8'))];
    } catch {
      return [{ id, intent: 'unreadable' }];
    }
  });
}

async function checkInvariants(round: number): Promise<string[]> {
  const c = await b.connect();
  try {
    const list = (await c.request('list', {})).containers;
    const ids = list.map((s) => s.id).sort();
    for (const s of list) {
      assert.notEqual(s.status, 'creating', `round ${round}: ${s.id} left half-created`);
      if (s.pid) seen.set(s.pid, seen.get(s.pid) ?? startTime(s.pid));
      if (s.status === 'running' || s.status === 'created') assert.ok(s.pid && alive(s.pid, seen.get(s.pid)), `round ${round}: ${s.id} listed ${s.status} but pid ${s.pid} is gone`);
    }
    // Every state directory is a listed container with a readable state.json.
    const dirs = readdirSync(b.root).filter((d) => d !== 'berthd@' && !d.startsWith('.')).sort();
    assert.deepEqual(dirs, ids, `round ${round}: state directories match the list`);
    for (const d of dirs) JSON.parse(readFileSync(join(b.root, d, 'state.json'), 'utf8'));
    // berthd's records: no intent left behind, one per listed berthd container.
    const recs = records();
    for (const r of recs) {
      assert.equal(r.intent, undefined, `round ${round}: record ${r.id} still has intent ${r.intent}`);
      assert.ok(ids.includes(r.id), `round ${round}: record ${r.id} without a container`);
      if (r.keeper) seen.set(r.keeper.pid, r.keeper.startTime);
    }
    // Processes: every pid we ever saw is alive only if it belongs to a listed live container or its keeper.
    const livePids = new Set<number>();
    for (const s of list) if (s.pid && (s.status === 'running' || s.status === 'created')) livePids.add(s.pid);
    for (const r of recs) if (r.keeper) livePids.add(r.keeper.pid);
    for (const [pid, st] of seen) if (!livePids.has(pid)) assert.ok(!alive(pid, st), `round ${round}: pid ${pid} leaked`);
    // Mounts and cgroups named for our containers.
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(TAG) || l.includes(dir));
    assert.deepEqual(mounts, [], `round ${round}: no mount leaked into the host namespace`);
    // Other suites' cgroups come and go meanwhile: find exits 1 for a directory that vanished under it, which is no finding of ours.
    const found = spawnSync('find', ['/sys/fs/cgroup', '-maxdepth', '4', '-name', `*${TAG}*`], { encoding: 'utf8' });
    const otherErrors = found.stderr.split('\n').filter((l) => l && !l.endsWith('No such file or directory'));
    assert.deepEqual(otherErrors, [], `round ${round}: find over /sys/fs/cgroup`);
    const cg = found.stdout.trim();
    const listedCg = cg.split('\n').filter(Boolean).filter((p) => !ids.some((id) => p.endsWith(id)));
    assert.deepEqual(listedCg, [], `round ${round}: no cgroup of a deleted container left`);
    return ids;
  } finally {
    c.close();
  }
}

test(`crash recovery: ${KILLS} SIGKILLs at random points of create/start/delete`, async () => {
  let n = 0;
  let existing: string[] = [];
  const phases = { create: 0, start: 0, delete: 0 };
  for (let round = 0; round < KILLS; round++) {
    const c = await b.connect();
    const ops: Promise<unknown>[] = [];
    const roll = Math.random();
    if (roll < 0.5 || existing.length === 0) {
      const id = `${TAG}-${n++}`;
      const bundle = Math.random() < 0.25 ? tty : plain;
      const startToo = Math.random() < 0.5;
      phases[startToo ? 'start' : 'create']++;
      ops.push(c.request(startToo ? 'run' : 'create', { id, bundle: bundle.dir }));
    } else {
      const id = existing[Math.floor(Math.random() * existing.length)];
      phases.delete++;
      ops.push(c.request('delete', { id, force: true }));
      if (Math.random() < 0.5) ops.push(c.request('start', { id }));
    }
    for (const p of ops) p.catch(() => undefined);
    await sleep(Math.random() * 400);
    await b.crash();
    c.close();
    b = await b.restart();
    existing = await checkInvariants(round);
  }
  console.log(`kills: ${KILLS}, requests interrupted: ${JSON.stringify(phases)}, containers left: ${existing.length}`);
  // Finally everything goes, and nothing stays behind.
  const c = await b.connect();
  try {
    for (const id of existing) await c.request('delete', { id, force: true });
  } finally {
    c.close();
  }
  assert.deepEqual(await checkInvariants(KILLS), []);
  for (const [pid, st] of seen) assert.ok(!alive(pid, st), `pid ${pid} still alive after deleting everything`);
});
