// The CLI and berthd creating the same id on their shared root: whichever
// claims the id first keeps a working container, the other gets "already
// exists", and nothing of the winner is touched. Before the fix berthd
// checked existence itself, then lost the reservation to the CLI, and its
// undo SIGKILLed the CLI's init (the holder of its exec.fifo) and deleted
// the container the CLI had just reported as created.
//
// Each round decides the race: the test holds the id's lock
// (helper/runtime/lock.ts) while both creates run, waits until both wait for
// it (each writes its private `.<id>.<pid>.<n>` file first), so berthd is
// past any check of its own, then SIGSTOPs the one that is to lose, lets the
// lock go, and SIGCONTs the loser once the winner has claimed the id. Half
// the rounds the CLI wins (all of them failed before the fix), half berthd.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { holdersOf } from '../../helper/daemon/orphans';
import type { BerthClient } from '../../helper/protocol/client';
import { isCode } from '../../helper/protocol/client';
import { ErrorCode } from '../../helper/protocol/errors';
import { procStat } from '../../helper/linux/proc';
import { withLock } from '../../helper/runtime/lock';
import { runtime } from '../../helper/runtime/runtime';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { berthCli, cleanupDir, makeDir, sleep, startBerthd, type Berthd } from './harness';

let b: Berthd;
let dir: string;
let x: Bundle | undefined;
const children = new Set<ChildProcess>();

before(async () => {
  dir = makeDir();
  b = await startBerthd(dir);
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await b?.stop();
  x?.cleanup();
  if (dir) await cleanupDir(dir);
});

/** True once pid waits for the id's lock (its private lock file exists). */
function waiting(id: string, pid: number): boolean {
  try {
    return readdirSync(join(b.root, '.locks')).some((n) => n.startsWith(`.${id}.${pid}.`));
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until done() holds; fails when ended() says something ended first, or after 60 s (a bound: a fresh node takes seconds in the qemu guest of scripts/vm). */
async function until(done: () => boolean, ended: () => string, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!done()) {
    if (ended()) throw new Error(`${what}: not before ${ended()}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within 60 s`);
    await sleep(1);
  }
}

type Winner = 'cli' | 'berthd';

/**
 * One race of `berth create` against berthd's create of `id`, won by
 * `winner`: once both wait for the lock, the other one is stopped (SIGSTOP)
 * until the winner has taken the lock and claimed the id. Throws what went
 * wrong.
 */
async function race(c: BerthClient, id: string, winner: Winner): Promise<void> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const isHeld = new Promise<void>((r) => (held = r));
  const lock = withLock(b.root, id, () => {
    held();
    return gate;
  });
  let cliDone: Promise<{ code: number | null; stderr: string }> | undefined;
  let viaBerthd: Promise<unknown> | undefined;
  let stopped: number | undefined;
  try {
    await Promise.race([isHeld, lock]);
    const child = spawn(process.execPath, [berthCli(), '--root', b.root, 'create', '--bundle', x!.dir, id], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    cliDone = new Promise((res) => child.once('exit', (code) => {
      children.delete(child);
      res({ code, stderr });
    }));
    let settled = '';
    void cliDone.then((r) => (settled ||= `the CLI exited ${r.code}: ${r.stderr.trim()}`));
    // Each waits for the lock at most 10 s (lock.ts), so the slower to get there (the CLI, a fresh node) goes first.
    await until(() => waiting(id, child.pid!), () => settled, `${id}: the CLI waits for the id lock`);
    viaBerthd = c.request('create', { id, bundle: x!.dir }).then((info) => info, (e: unknown) => e);
    void viaBerthd.then((r) => (settled ||= `berthd answered ${r instanceof Error ? r.message : 'created'}`));
    await until(() => waiting(id, b.child.pid!), () => settled, `${id}: berthd waits for the id lock`);
    stopped = winner === 'cli' ? b.child.pid! : child.pid!;
    process.kill(stopped, 'SIGSTOP');
    const loser = stopped;
    await until(() => procStat(loser)?.state === 'T', () => '', `${id}: the ${winner === 'cli' ? 'berthd' : 'CLI'} stops`);
    release();
    await lock;
    await until(() => existsSync(join(b.root, id)), () => settled, `${id}: the ${winner} claims the id`);
  } finally {
    if (stopped !== undefined) process.kill(stopped, 'SIGCONT');
    release();
    await lock;
  }
  const cli = await cliDone!;
  const daemon = await viaBerthd!;
  const daemonWon = !(daemon instanceof Error);
  const cliWon = cli.code === 0;
  assert.equal(cliWon ? 'cli' : daemonWon ? 'berthd' : 'neither', winner, `${id}: the ${winner} won`);
  assert.ok(cliWon !== daemonWon, `${id}: exactly one create succeeds (CLI exit ${cli.code}: ${cli.stderr.trim()}; berthd: ${daemonWon ? 'created' : (daemon as Error).message})`);
  if (cliWon) assert.ok(isCode(daemon, ErrorCode.Exists) && /already exists/.test((daemon as Error).message), `${id}: berthd refuses with Exists: ${(daemon as Error).message}`);
  else assert.match(cli.stderr, /already exists/, `${id}: the CLI says the id exists`);
  // The winner's container is intact: its state readable, its init alive and still waiting on its fifo.
  const st = await runtime.state({ root: b.root }, id).catch((e: Error) => assert.fail(`${id}: the ${cliWon ? 'CLI' : 'berthd'}'s container is gone: ${e.message}`));
  assert.equal(st.status, 'created', `${id}: still created`);
  assert.ok(st.pid && alive(st.pid), `${id}: its init ${st.pid} is alive`);
  assert.ok(holdersOf(join(b.root, id, 'exec.fifo')).includes(st.pid!), `${id}: its init still holds exec.fifo`);
  const info = await c.request('state', { id });
  assert.equal(info.owner, cliWon ? 'external' : 'berthd', `${id}: berthd knows whose it is`);
  if (cliWon) assert.ok(!existsSync(join(b.root, 'berthd@', 'containers', id)), `${id}: berthd dropped its own record of the failed create`);
  // And it works: it starts and runs.
  await runtime.start({ root: b.root }, id);
  assert.equal((await runtime.state({ root: b.root }, id)).status, 'running', `${id}: starts and runs`);
}

const ROUNDS = 12;

test(`berth create and berthd create of one id, ${ROUNDS} races: the winner keeps a working container, the loser gets "already exists"`, async () => {
  x = makeBundle(['sleep', '100']);
  const failures: string[] = [];
  const clients: BerthClient[] = [];
  try {
    // Two lanes at once: one where the CLI wins (only it stops berthd), one where berthd wins (it stops its CLIs).
    const lane = async (winner: Winner, first: number) => {
      const c = await b.connect();
      clients.push(c);
      for (let i = first; i < ROUNDS; i += 2) {
        const id = `crace${i}`;
        try {
          await race(c, id, winner);
        } catch (e) {
          failures.push((e as Error).message);
        } finally {
          await runtime.delete({ root: b.root }, id, true).catch(() => undefined);
        }
      }
    };
    await Promise.all([lane('cli', 0), lane('berthd', 1)]);
  } finally {
    for (const c of clients) c.close();
  }
  assert.deepEqual(failures, [], `${failures.length} of ${ROUNDS} races went wrong`);
});
