// New Bundle's debootstrap client (extension/bundles/debootstrapJob.ts) over
// the extension's own BerthdConnection to a real berthd whose `debootstrap`
// is the fake of test/daemon/debootstrapFake.ts: steps reach the progress
// callback in order, a cancellation token becomes bundle.cancel and berthd
// removes the directory, success hands back config.json, and a dropped
// connection ends the job on both sides.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Emitter } from 'vscode-jsonrpc';
import { BerthdConnection } from '../../extension/berthd/connection';
import { incrementer, LOST_MESSAGE, runDebootstrapJob } from '../../extension/bundles/debootstrapJob';
import type { BundleProgressNotification } from '../../helper/protocol/events';
import { isAlive } from '../../helper/linux/proc';
import { readIf, startWithFakeDebootstrap } from '../daemon/debootstrapFake';
import { sleep } from '../daemon/harness';

async function connected(t: import('node:test').TestContext, socket: string): Promise<BerthdConnection> {
  const conn = new BerthdConnection({ socketPath: socket, clientName: 'debootstrap-job-test', reconnect: false });
  t.after(() => conn.dispose());
  await conn.start();
  await conn.whenConnected(5000);
  return conn;
}

/** A vscode.CancellationToken stand-in. */
function tokenSource() {
  const emitter = new Emitter<void>();
  const token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  return { token, cancel: () => ((token.isCancellationRequested = true), emitter.fire()) };
}

test('debootstrap job from the extension: steps in order, Cancel removes the bundle through bundle.cancel', async (t) => {
  const f = await startWithFakeDebootstrap(t);
  const conn = await connected(t, f.socket);
  const dir = join(f.dir, 'deb');
  const steps: BundleProgressNotification[] = [];
  const increments: number[] = [];
  const inc = incrementer();
  const src = tokenSource();
  const end = await runDebootstrapJob(conn, { dir, suite: 'fakeslow', variant: 'minbase' }, {
    token: src.token,
    onStep: (s) => {
      steps.push(s);
      const i = inc(s.percent);
      if (i !== undefined) increments.push(i);
      if (s.step === 'Configuring libc6...') void sleep(100).then(src.cancel);
    },
  });
  assert.equal(end.outcome, 'cancelled', JSON.stringify(end));
  assert.equal(steps[0].phase, 'start', 'the first step is the start line, even if it raced the answer');
  assert.equal(steps.length, 27, `the start line and the fake's 26 I: lines arrived: ${steps.map((s) => s.step).join(' | ')}`);
  const total = increments.reduce((a, b) => a + b, 0);
  assert.ok(increments.every((i) => i > 0) && total > 75 && total < 100, `progress increments add up below 100: ${total}`);
  assert.ok(!existsSync(dir), 'berthd removed the directory it created');
  const pid = Number(readIf(join(f.state, 'pid')));
  assert.ok(pid > 1 && !isAlive(pid), 'the fake debootstrap is gone');
});

test('debootstrap job from the extension: success gives config.json; a dropped connection ends the job', async (t) => {
  const f = await startWithFakeDebootstrap(t);
  const conn = await connected(t, f.socket);
  const ok = join(f.dir, 'ok');
  const end = await runDebootstrapJob(conn, { dir: ok, suite: 'bookworm' }, { onStep: () => undefined });
  assert.deepEqual({ outcome: end.outcome, config: end.config }, { outcome: 'done', config: join(ok, 'config.json') });
  assert.ok(existsSync(end.config!));

  const gone = join(f.dir, 'gone');
  let restarted = false;
  const lost = await runDebootstrapJob(conn, { dir: gone, suite: 'fakeslow' }, {
    onStep: (s) => {
      if (s.step === 'Configuring libc6...' && !restarted) {
        restarted = true;
        void conn.restart();
      }
    },
    onLost: (fn) => conn.onDidChangeState((s) => s.kind !== 'connected' && fn(s)),
  });
  assert.deepEqual(lost, { job: lost.job, outcome: 'failed', error: LOST_MESSAGE });
  const deadline = Date.now() + 10_000;
  while (existsSync(gone)) {
    assert.ok(Date.now() < deadline, 'berthd did not cancel the job of the client that left');
    await sleep(50);
  }
});
