// A bundle job survives no SIGKILL of berthd, and neither does anything it
// left: two jobs with the fake debootstrap (debootstrapFake.ts) are
// mid-way — each fake has mounted a tmpfs inside its rootfs and sleeps, one
// with an orphaned `sleep` beside it — when berthd is killed. One target
// was made by berthd, the other was the user's empty directory; the second
// job's leader is also killed by hand, so only its group's orphans remain.
// A journal entry that names a live process of the test's own with the
// wrong start time, and a directory replaced after the crash, stand for a
// reused pid and a path that is the user's again. The restarted berthd (in
// the same mount namespace) must end exactly the jobs' processes, detach
// the mounts, remove only the directory it made, empty the journal, and
// listen promptly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isCode } from '../../helper/protocol/client';
import { ErrorCode } from '../../helper/protocol/errors';
import type { BundleFinishedNotification } from '../../helper/protocol/events';
import type { JobEntry } from '../../helper/daemon/jobJournal';
import { groupMembers } from '../../helper/daemon/processGroup';
import { isAlive, procStat } from '../../helper/linux/proc';
import { readIf, startWithFakeDebootstrap } from './debootstrapFake';
import { sleep } from './harness';

async function until(ok: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('debootstrap jobs after SIGKILL of berthd: the restart ends their processes, detaches their mounts, removes only the dir it made, empties the journal', async (t) => {
  const f = await startWithFakeDebootstrap(t, [], { restartable: true });
  const jobsDir = join(f.root, 'berthd@', 'jobs');
  const bundles = join(f.dir, 'bundles');
  mkdirSync(bundles);
  const fresh = join(bundles, 'fresh'); // berthd creates it
  const had = join(bundles, 'had'); // the user's, empty
  mkdirSync(had);

  // A process of the test's own that a stale entry names with another start time: a reused pid.
  const decoy = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => {
    if (decoy.exitCode === null && decoy.signalCode === null) decoy.kill('SIGKILL');
  });
  // A directory at the stale entry's path that is not the one berthd made (another inode).
  const replaced = join(bundles, 'replaced');
  mkdirSync(replaced);
  writeFileSync(join(replaced, 'mine'), 'user data\n');

  const c = await f.connect();
  const finished: BundleFinishedNotification[] = [];
  c.onBundleFinished((n) => finished.push(n));
  const a = await c.request('bundle.debootstrap', { dir: fresh, suite: 'fakeslow' });
  const b = await c.request('bundle.debootstrap', { dir: had, suite: 'fakeslow' });
  await until(() => existsSync(join(f.state, 'sleep.fresh')) && existsSync(join(f.state, 'sleep.had')), 'both fakes to sleep');

  const entries = Object.fromEntries(readdirSync(jobsDir).map((n) => {
    const e = JSON.parse(readFileSync(join(jobsDir, n), 'utf8')) as JobEntry;
    return [e.job, e];
  }));
  const leaders = { fresh: Number(readIf(join(f.state, 'pid.fresh'))), had: Number(readIf(join(f.state, 'pid.had'))) };
  assert.equal(Object.keys(entries).length, 2, 'one journal entry per running job');
  assert.deepEqual([entries[a.job].dir, entries[a.job].created, entries[a.job].pid], [fresh, true, leaders.fresh]);
  assert.deepEqual([entries[b.job].dir, entries[b.job].created, entries[b.job].pid], [had, false, leaders.had]);
  assert.equal(entries[a.job].pidStart, procStat(leaders.fresh)!.startTime, 'the entry holds the leader\'s start time');

  // Every process of both jobs, by pid and start time: each fake's group and the orphaned sleeps.
  const procs = [leaders.fresh, leaders.had, ...groupMembers(leaders.fresh), ...groupMembers(leaders.had),
    Number(readIf(join(f.state, 'sleep.fresh'))), Number(readIf(join(f.state, 'sleep.had')))]
    .filter((p, i, all) => all.indexOf(p) === i)
    .map((pid) => ({ pid, start: procStat(pid)!.startTime }));
  assert.ok(procs.length >= 6, `each fake, its sleep and its orphaned sleep: ${JSON.stringify(procs)}`);
  const mounted = [readIf(join(f.state, 'mounted.fresh')), readIf(join(f.state, 'mounted.had'))];
  assert.deepEqual(mounted, [join(fresh, 'rootfs/proc'), join(had, 'rootfs/proc')]);
  for (const m of mounted) assert.ok(f.mounts().includes(` ${m} `), `${m} is mounted before the crash`);

  const killed = f.berthd;
  killed.kill('SIGKILL');
  await new Promise((r) => (killed.exitCode === null && killed.signalCode === null ? killed.once('exit', r) : r(null)));
  c.close();
  // The second job's leader dies too (as debootstrap would of SIGPIPE on its next line): only its group's orphans are left.
  process.kill(leaders.had, 'SIGKILL');
  await until(() => !isAlive(leaders.had), 'the second fake to die');
  assert.ok(procs.filter((p) => p.pid !== leaders.had).every((p) => isAlive(p.pid, p.start)), 'the jobs\' other processes outlived berthd');
  writeFileSync(join(jobsDir, 'stalejob.json'), JSON.stringify({
    job: 'stalejob', kind: 'debootstrap', started: new Date().toISOString(), dir: replaced, created: true,
    dirId: { dev: '1', ino: '1' }, pid: decoy.pid, pidStart: '1',
  } satisfies JobEntry));
  writeFileSync(join(jobsDir, `${a.job}.json.12345.tmp`), '{"half');
  writeFileSync(join(jobsDir, 'garbled.json'), '{"job": "garbled"');

  const t0 = Date.now();
  await f.restart();
  const ms = Date.now() - t0;
  console.log(`restarted berthd listened ${ms} ms after its spawn, recovery included`);
  assert.ok(ms < 4000, `berthd listens promptly after undoing the jobs: ${ms} ms`);

  for (const p of procs) assert.ok(!isAlive(p.pid, p.start), `pid ${p.pid} of a job is not alive after the restart`);
  const mountinfo = f.mounts();
  assert.ok(!mountinfo.includes(` ${bundles}/`), `nothing mounted under ${bundles}:\n${mountinfo}`);
  assert.ok(!existsSync(fresh), 'the directory berthd created is removed');
  assert.ok(existsSync(join(had, 'rootfs/bin/sh')), 'the user\'s directory keeps its files');
  assert.ok(isAlive(decoy.pid!), 'the process that only shares a stale entry\'s pid is not killed');
  assert.equal(readFileSync(join(replaced, 'mine'), 'utf8'), 'user data\n', 'a directory that replaced the one berthd made is kept');
  assert.deepEqual(readdirSync(jobsDir), [], 'the journal is empty');
  const log = f.stderr();
  console.log(log.split('\n').filter((l) => /recovery|listening/.test(l)).join('\n'));
  assert.match(log, new RegExp(`bundle job interrupted by a restart undone.*${a.job}`));
  assert.match(log, /existed before the job: the partial .*\/had\/rootfs is left for the user to remove/);
  assert.match(log, /replaced after the crash/);
  assert.match(log, /journal file .*\/jobs\/garbled\.json unreadable/);

  // The jobs are gone for clients too; a new job into the freed path runs and leaves no entry.
  const c2 = await f.connect();
  t.after(() => c2.close());
  await assert.rejects(c2.request('bundle.cancel', { job: a.job }), (e) => isCode(e, ErrorCode.NoJob));
  const again: BundleFinishedNotification[] = [];
  c2.onBundleFinished((n) => again.push(n));
  const d = await c2.request('bundle.debootstrap', { dir: fresh, suite: 'bookworm' });
  await until(() => again.length > 0, 'the new job to finish');
  assert.deepEqual(again, [{ job: d.job, outcome: 'done', config: join(fresh, 'config.json') }]);
  assert.deepEqual(readdirSync(jobsDir), [], 'a finished job leaves no journal entry');
  assert.deepEqual(finished, [], 'the killed berthd never sent bundleFinished for its jobs');
});
