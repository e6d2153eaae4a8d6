// bundle.debootstrap through a real berthd with a fake `debootstrap` first
// on its PATH (debootstrapFake.ts): the test follows the job's progress
// notifications, cancels, and checks the process group is gone, the mount
// the fake made detached and the directory removed; success, failure,
// disconnect and refused directories too. A real debootstrap takes 30 s and
// the network, so it is not here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { type BerthClient, isCode } from '../../helper/protocol/client';
import { ErrorCode } from '../../helper/protocol/errors';
import type { BundleFinishedNotification, BundleProgressNotification } from '../../helper/protocol/events';
import { isAlive } from '../../helper/linux/proc';
import { readIf, startWithFakeDebootstrap } from './debootstrapFake';
import { sleep } from './harness';

/** Every bundle notification of a client, kept from before the job id is known. */
function recorder(c: BerthClient) {
  const progress: BundleProgressNotification[] = [];
  const finished: BundleFinishedNotification[] = [];
  c.onBundleProgress((p) => progress.push(p));
  c.onBundleFinished((f) => finished.push(f));
  return {
    progress: (job: string) => progress.filter((p) => p.job === job),
    async until(ok: () => boolean, what: string, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!ok()) {
        assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
        await sleep(20);
      }
    },
    finished: (job: string) => finished.filter((f) => f.job === job),
  };
}

test('debootstrap job: progress in order, cancel ends the group, detaches the mount, removes the new dir', async (t) => {
  const f = await startWithFakeDebootstrap(t);
  const c = await f.connect();
  t.after(() => c.close());
  const rec = recorder(c);
  const bundle = join(f.dir, 'bundles', 'deb');
  mkdirSync(join(f.dir, 'bundles'));
  const { job } = await c.request('bundle.debootstrap', { dir: bundle, suite: 'fakeslow', mirror: 'http://deb.debian.org/debian' });
  await rec.until(() => rec.progress(job).some((p) => p.step === 'Configuring libc6...'), 'the last Configuring step');
  await rec.until(() => existsSync(join(f.state, 'sleep')), 'the fake to start sleeping');
  const steps = rec.progress(job);
  assert.equal(steps[0].phase, 'start');
  assert.match(steps[0].step, /debootstrap fakeslow into .*\/deb\/rootfs from http:\/\/deb\.debian\.org\/debian/);
  const phases = [...new Set(steps.map((s) => s.phase))];
  assert.deepEqual(phases, ['start', 'release', 'resolve', 'retrieve', 'validate', 'other', 'extract', 'install', 'unpack', 'configure']);
  const percents = steps.map((s) => s.percent ?? 0);
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'percent never goes back');
  assert.ok(percents.at(-1)! >= 76 && percents.at(-1)! < 100, `configuring is near the end: ${percents.at(-1)}`);
  assert.ok(steps.some((s) => s.step === 'Retrieving dash 0.5.12-2' && s.phase === 'retrieve'));

  const pids = [Number(readIf(join(f.state, 'pid'))), Number(readIf(join(f.state, 'sleep')))];
  assert.ok(pids.every((p) => p > 1 && isAlive(p)), `fake and its sleep are running: ${pids}`);
  assert.equal(readFileSync(`/proc/${pids[1]}/stat`, 'utf8').split(') ')[1].split(' ')[1], String(f.berthd.pid), 'the orphaned sleep is berthd\'s child by adoption');
  const mounted = readIf(join(f.state, 'mounted'));
  assert.equal(mounted, join(bundle, 'rootfs', 'proc'), 'the fake mounted inside the target (berthd has a private mount namespace)');
  assert.ok(f.mounts().includes(` ${mounted} `), 'the mount is in berthd\'s mountinfo');

  const t0 = Date.now();
  await c.request('bundle.cancel', { job });
  const ms = Date.now() - t0;
  assert.deepEqual(rec.finished(job).map((x) => x.outcome), ['cancelled']);
  for (const p of pids) assert.ok(!existsSync(`/proc/${p}`), `pid ${p} of the job's group is gone and reaped (the orphaned sleep too)`);
  assert.ok(!f.mounts().includes(bundle), 'nothing is mounted under the bundle any more');
  assert.ok(!existsSync(bundle), 'the directory berthd created is removed');
  assert.ok(existsSync(join(f.dir, 'bundles')), 'its parent stays');
  assert.deepEqual(readdirSync(join(f.root, 'berthd@', 'jobs')), [], 'the job\'s journal entry went with its clean-up');
  console.log(`cancel took ${ms} ms (the fake's sh ends on SIGTERM)`);
  await assert.rejects(c.request('bundle.cancel', { job }), (e) => isCode(e, ErrorCode.NoJob), 'a finished job cannot be cancelled again');
});

test('debootstrap job: success writes config.json as berth spec would; failure reports debootstrap\'s E: line and cleans up', async (t) => {
  const f = await startWithFakeDebootstrap(t);
  const c = await f.connect();
  t.after(() => c.close());
  const rec = recorder(c);
  const ok = join(f.dir, 'ok');
  const { job } = await c.request('bundle.debootstrap', { dir: ok, suite: 'bookworm' });
  await rec.until(() => rec.finished(job).length > 0, 'the job to finish');
  assert.deepEqual(rec.finished(job), [{ job, outcome: 'done', config: join(ok, 'config.json') }]);
  const spec = JSON.parse(readFileSync(join(ok, 'config.json'), 'utf8')) as { root: { path: string }; ociVersion: string };
  assert.equal(spec.root.path, 'rootfs');
  assert.equal(readFileSync(join(ok, 'rootfs/bin/sh'), 'utf8').trim(), 'fake');
  assert.ok(!f.mounts().includes(ok), 'no mount left under the finished bundle');
  assert.equal(rec.progress(job).at(-1)!.percent, 100);

  // An existing empty directory: on failure only rootfs/ goes, the directory stays.
  const empty = join(f.dir, 'empty');
  mkdirSync(empty);
  const failed = await c.request('bundle.debootstrap', { dir: empty, suite: 'fakefail', variant: 'minbase' });
  await rec.until(() => rec.finished(failed.job).length > 0, 'the failing job to finish');
  const [end] = rec.finished(failed.job);
  assert.equal(end.outcome, 'failed');
  assert.match(end.error!, /^debootstrap fakefail into .*\/empty\/rootfs: exited with 1: Couldn't find these debs: libfake1$/);
  assert.deepEqual(readdirSync(empty), [], 'the empty directory is empty again');
  assert.ok(!f.mounts().includes(empty), 'the fake\'s mount was detached before removal');
});

test('debootstrap job: a client that disconnects cancels its job', async (t) => {
  const f = await startWithFakeDebootstrap(t);
  const c = await f.connect();
  const rec = recorder(c);
  const bundle = join(f.dir, 'gone');
  const { job } = await c.request('bundle.debootstrap', { dir: bundle, suite: 'fakeslow' });
  await rec.until(() => existsSync(join(f.state, 'sleep')), 'the fake to start sleeping');
  assert.ok(rec.progress(job).length > 10);
  const pid = Number(readIf(join(f.state, 'pid')));
  c.close();
  const deadline = Date.now() + 10_000;
  while (existsSync(bundle) || isAlive(pid)) {
    assert.ok(Date.now() < deadline, 'the job was not cancelled after its client left');
    await sleep(50);
  }
});

test('debootstrap job: berthd\'s graceful stop cancels running jobs before it exits', async (t) => {
  const f = await startWithFakeDebootstrap(t);
  const c = await f.connect();
  t.after(() => c.close());
  const bundle = join(f.dir, 'stopped');
  await c.request('bundle.debootstrap', { dir: bundle, suite: 'fakeslow' });
  while (!existsSync(join(f.state, 'sleep'))) await sleep(20);
  const pids = [Number(readIf(join(f.state, 'pid'))), Number(readIf(join(f.state, 'sleep')))];
  const exited = new Promise((r) => f.berthd.once('exit', r));
  f.berthd.kill('SIGTERM');
  await exited;
  assert.ok(!existsSync(bundle), 'the job\'s directory was removed before berthd exited');
  assert.deepEqual(readdirSync(join(f.root, 'berthd@', 'jobs')), [], 'no journal entry is left for a restart to undo');
  for (const p of pids) assert.ok(!isAlive(p), `pid ${p} of the job ended with berthd`);
});

test('bundle.debootstrap refuses bad directories and params, naming the field', async (t) => {
  const f = await startWithFakeDebootstrap(t);
  const c = await f.connect();
  t.after(() => c.close());
  const full = join(f.dir, 'full');
  mkdirSync(full);
  writeFileSync(join(full, 'config.json'), '{}');
  const file = join(f.dir, 'afile');
  writeFileSync(file, '');
  const link = join(f.dir, 'link');
  mkdirSync(join(f.dir, 'real'));
  symlinkSync(join(f.dir, 'real'), link);
  const cases: [Record<string, unknown>, number, string, RegExp][] = [
    [{ dir: 'rel/path', suite: 'bookworm' }, ErrorCode.InvalidParams, '/dir', /params\/dir/],
    [{ dir: `${f.dir}/x/../y`, suite: 'bookworm' }, ErrorCode.BadBundle, '/dir', /not a normalized absolute path/],
    [{ dir: `${f.dir}/y/`, suite: 'bookworm' }, ErrorCode.BadBundle, '/dir', /not a normalized absolute path/],
    [{ dir: full, suite: 'bookworm' }, ErrorCode.BadBundle, '/dir', /exists and is not empty/],
    [{ dir: file, suite: 'bookworm' }, ErrorCode.BadBundle, '/dir', /exists and is not a directory/],
    [{ dir: link, suite: 'bookworm' }, ErrorCode.BadBundle, '/dir', /is a symlink/],
    [{ dir: join(f.dir, 'no/such/parent'), suite: 'bookworm' }, ErrorCode.BadBundle, '/dir', /parent .*no\/such does not exist/],
    [{ dir: join(file, 'sub'), suite: 'bookworm' }, ErrorCode.BadBundle, '/dir', /parent .*afile (is not a directory|a path component is not a directory)/],
    [{ dir: join(f.dir, 'new'), suite: '--include=evil' }, ErrorCode.InvalidParams, '/suite', /params\/suite/],
    [{ dir: join(f.dir, 'new'), suite: 'bookworm', mirror: '--keyring=/x' }, ErrorCode.InvalidParams, '/mirror', /params\/mirror/],
    [{ dir: join(f.dir, 'new'), suite: 'bookworm', variant: 'buildd;rm' }, ErrorCode.InvalidParams, '/variant', /params\/variant/],
    [{ dir: join(f.dir, 'new') }, ErrorCode.InvalidParams, '/suite', /params\/suite: required/],
  ];
  for (const [params, code, pointer, message] of cases) {
    await assert.rejects(c.request('bundle.debootstrap', params as never), (e: Error & { code?: number; data?: { pointer?: string } }) => {
      assert.equal(e.code, code, `${JSON.stringify(params)}: ${e.message}`);
      assert.equal(e.data?.pointer, pointer, `${JSON.stringify(params)}: pointer`);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.ok(!existsSync(join(f.dir, 'new')), 'nothing was created for a refused request');
  assert.deepEqual(readdirSync(join(f.dir, 'real')), [], 'the symlink\'s target was not touched');
  assert.ok(!existsSync(join(f.state, 'pid')), 'the fake never ran');
  await assert.rejects(c.request('bundle.cancel', { job: 'nosuchjob' }), (e) => isCode(e, ErrorCode.NoJob));
});

const STRICT_GID = 4244;
const NOBODY = 65534;

// One bundle.debootstrap as `nobody` (member of STRICT_GID) through vscode-jsonrpc: prints the error, or the job's bundleFinished.
const NOBODY_CLIENT = `
const rpc = require(process.argv[3]);
const s = require('net').connect(process.argv[1]);
s.on('connect', async () => {
  const c = rpc.createMessageConnection(new rpc.SocketMessageReader(s), new rpc.SocketMessageWriter(s));
  const finished = new Promise((res) => c.onNotification('bundleFinished', res));
  c.listen();
  await c.sendRequest('hello', { protocol: 1, client: 'debootstrap-strict-test' });
  let out;
  try { await c.sendRequest('bundle.debootstrap', JSON.parse(process.argv[2])); out = await finished; }
  catch (e) { out = { code: e.code, message: e.message, pointer: e.data && e.data.pointer }; }
  process.stdout.write(JSON.stringify(out)); s.destroy(); process.exit(0);
});
`;

function asNobody(socket: string, params: object): { code?: number; message?: string; pointer?: string; outcome?: string; config?: string } {
  const jsonrpc = resolve(__dirname, '../../node_modules/vscode-jsonrpc/node.js');
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', `--groups=${STRICT_GID}`, '--', process.execPath, '-e', NOBODY_CLIENT, socket, JSON.stringify(params), jsonrpc], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReturnType<typeof asNobody>;
}

test('bundle.debootstrap under --strict: a non-root member makes bundles only where it owns the parent; the bundle is its own', async (t) => {
  const f = await startWithFakeDebootstrap(t, ['--strict', '--group', String(STRICT_GID)]);
  const refused = asNobody(f.socket, { dir: join(f.dir, 'rootowned'), suite: 'bookworm' });
  assert.equal(refused.code, ErrorCode.Forbidden, JSON.stringify(refused));
  assert.equal(refused.pointer, '/dir');
  assert.match(refused.message!, /its parent .* is owned by uid 0, not by the caller \(uid 65534\)/);
  assert.ok(!existsSync(join(f.dir, 'rootowned')));

  const home = join(f.dir, 'home');
  mkdirSync(home);
  chownSync(home, NOBODY, NOBODY);
  const bundle = join(home, 'deb');
  const done = asNobody(f.socket, { dir: bundle, suite: 'bookworm' });
  assert.deepEqual({ outcome: done.outcome, config: done.config }, { outcome: 'done', config: join(bundle, 'config.json') });
  assert.equal(statSync(bundle).uid, NOBODY, 'the bundle directory belongs to the caller');
  assert.equal(statSync(join(bundle, 'config.json')).uid, NOBODY, 'config.json belongs to the caller');
  assert.equal(statSync(join(bundle, 'rootfs')).uid, 0, 'the rootfs stays root\'s, as debootstrap made it');
});
