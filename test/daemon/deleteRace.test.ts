// `berth delete --force` of a container berthd created (so berthd is the
// init's parent and records its exit into state.json) while berthd watches
// the root: the exit record and the delete must not interleave. Before the
// exit record took the id lock, a delete failed now and then with ENOTEMPTY
// (the record's temp file landed in the directory being removed) and the
// container came back as `stopped` (its state.json renamed back in): 1 to
// 12 of these 30 deletes in 6 of 8 runs, the SIGKILLed ones.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BerthClient } from '../../helper/protocol/client';
import { isCode } from '../../helper/protocol/client';
import { ErrorCode } from '../../helper/protocol/errors';
import { runtime } from '../../helper/runtime/runtime';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { berthCli, cleanupDir, makeDir, sleep, startBerthd, type Berthd } from './harness';

let b: Berthd;
let dir: string;
const bundles: Bundle[] = [];

before(async () => {
  dir = makeDir();
  b = await startBerthd(dir);
});

after(async () => {
  await b?.stop();
  for (const x of bundles) x.cleanup();
  if (dir) await cleanupDir(dir);
});

/** Runs the CLI on berthd's root; resolves with its exit code and stderr. */
function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [berthCli(), '--root', b.root, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', rej);
    child.once('exit', (code) => res({ code, stderr }));
  });
}

const ROUNDS = 30;
const LANES = 5;

test(`berth delete --force of containers berthd watches: ${ROUNDS} deletes all succeed, none comes back`, async () => {
  const runs = makeBundle(['sleep', '100']);
  // Exits about when the CLI (~150 ms to start) removes the directory.
  const exits = [0.1, 0.15, 0.2, 0.25].map((s) => makeBundle(['sleep', String(s)]));
  bundles.push(runs, ...exits);
  const clients: BerthClient[] = [];
  try {
    const failures: string[] = [];
    const lane = async (n: number) => {
      const c = await b.connect();
      clients.push(c);
      await c.request('subscribe', {});
      for (let i = n; i < ROUNDS; i += LANES) {
        const id = `delrace${i}`;
        // Two in three run until the delete SIGKILLs them, the third exits on its own around it.
        const x = i % 3 === 2 ? exits[Math.floor(i / 3) % exits.length] : runs;
        await c.request('create', { id, bundle: x.dir });
        await c.request('start', { id });
        const r = await cli(['delete', '--force', id]);
        if (r.code !== 0) failures.push(`${id}: delete exited ${r.code}: ${r.stderr.trim()}`);
        else if (existsSync(join(b.root, id))) failures.push(`${id}: its state directory is still there after delete`);
      }
    };
    // Every lane runs to its end before anything is judged or cleaned up.
    const failed = (await Promise.allSettled(Array.from({ length: LANES }, (_, n) => lane(n)))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    // Let berthd see and record every exit: nothing may bring a container back.
    await sleep(300);
    const left = (await runtime.list({ root: b.root })).filter((s) => s.id.startsWith('delrace'));
    for (const s of left) failures.push(`${s.id}: came back as ${s.status}`);
    for (let i = 0; i < ROUNDS; i++) {
      const id = `delrace${i}`;
      const st = await clients[0].request('state', { id }).catch((e: unknown) => e);
      if (!isCode(st, ErrorCode.NotFound)) failures.push(`${id}: berthd still answers state with ${JSON.stringify(st)}`);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${ROUNDS} deletes went wrong`);
  } finally {
    for (const c of clients) c.close();
  }
});
