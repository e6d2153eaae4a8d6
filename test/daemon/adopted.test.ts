// Exits of containers that outlive berthd: after a kill -9 and a restart,
// berthd is no longer the parent of the containers it adopts, so their exit
// status is lost to whoever reaps them. berthd still records that they
// exited (status stopped, exitStatus with code and signal null) and, in its
// record and log, why the status is unknown and when the exit happened as
// far as it can tell: while no berthd ran, or between two sweeps.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ExitStatus } from '../../helper/protocol/types';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { cleanupDir, makeDir, sleep, startBerthd, type Berthd } from './harness';

// Container ids below carry our pid: their cgroups are host-wide, and another checkout may run this test at the same time.
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

function note(id: string): string | undefined {
  return (JSON.parse(readFileSync(join(b.root, 'berthd@', 'containers', id, 'record.json'), 'utf8')) as { exitNote?: string }).exitNote;
}

async function stopped(id: string): Promise<ExitStatus | undefined> {
  const c = await b.connect();
  try {
    const deadline = Date.now() + 8000;
    for (;;) {
      const st = await c.request('state', { id });
      if (st.status === 'stopped' && st.exitStatus) return st.exitStatus;
      assert.ok(Date.now() < deadline, `${id} seen stopped with an exit status (now ${st.status})`);
      await sleep(100);
    }
  } finally {
    c.close();
  }
}

/** Runs `sh -c script` as id, then kill -9s berthd and starts another after downMs. */
async function runThenRestart(id: string, script: string, downMs = 0): Promise<Bundle> {
  const x = makeBundle(['sh', '-c', script]);
  bundles.push(x);
  const c = await b.connect();
  await c.request('run', { id, bundle: x.dir });
  c.close();
  await b.crash();
  await sleep(downMs);
  b = await b.restart();
  return x;
}

test('a container that exits after berthd restarted: stopped, status unknown, the exit bounded between two sweeps', async () => {
  await runThenRestart(`later${process.pid}`, 'sleep 2; exit 4');
  const st = await stopped(`later${process.pid}`);
  assert.deepEqual({ code: st?.code, signal: st?.signal }, { code: null, signal: null }, 'code 4 went to the reaper; berthd does not invent one');
  assert.match(note(`later${process.pid}`) ?? '', /^exit status unknown: the container exited between \S+ and \S+; berthd was restarted after it started, so it was not its parent$/);
  assert.equal(st?.note, note(`later${process.pid}`), 'clients get the same note with the exit status');
  assert.match(b.stderr(), new RegExp(`container exited, status unknown id=later${process.pid}`));
});

test('a container that exits while no berthd runs: seen at start-up, said so', async () => {
  const x = await runThenRestart(`meanwhile${process.pid}`, 'sleep 0.3; exit 4', 800);
  const st = await stopped(`meanwhile${process.pid}`);
  assert.equal(st?.code, null);
  assert.match(note(`meanwhile${process.pid}`) ?? '', /the container exited while no berthd was running \(seen at start-up\)/);
  // A container berthd did parent keeps its real status: the same bundle, run and exited under this berthd.
  const c2 = await b.connect();
  await c2.request('run', { id: `parented${process.pid}`, bundle: x.dir });
  c2.close();
  assert.equal((await stopped(`parented${process.pid}`))?.code, 4);
  assert.equal(note(`parented${process.pid}`), undefined);
});
