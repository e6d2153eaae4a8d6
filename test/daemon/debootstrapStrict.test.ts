// bundle.debootstrap under --strict, against a member that plants symlinks
// in its own bundle directory while the job runs: debootstrap and berthd
// run as root, so nothing they write or chown may follow a path the member
// controls out of that directory. The member is `nobody` (with the allowed
// group) through setpriv; debootstrap is the fixture's fake.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ErrorCode } from '../../helper/protocol/errors';
import { startWithFakeDebootstrap } from './debootstrapFake';

const GID = 4245;
const NOBODY = 65534;

// Starts one job as the member; as soon as its id is answered, plants argv[4] (a JSON map name -> symlink target) in the bundle dir,
// renaming away what is there; prints bundleFinished.
const MEMBER = `
const fs = require('fs');
const rpc = require(process.argv[3]);
const params = JSON.parse(process.argv[2]);
const s = require('net').connect(process.argv[1]);
s.on('connect', async () => {
  const c = rpc.createMessageConnection(new rpc.SocketMessageReader(s), new rpc.SocketMessageWriter(s));
  const finished = new Promise((res) => c.onNotification('bundleFinished', res));
  c.listen();
  await c.sendRequest('hello', { protocol: 1, client: 'debootstrap-symlink-test' });
  let out;
  try {
    await c.sendRequest('bundle.debootstrap', params);
    for (const [name, target] of Object.entries(JSON.parse(process.argv[4]))) {
      const at = params.dir + '/' + name;
      // What berthd made already is moved aside (the member owns the directory) and replaced.
      if (fs.existsSync(at)) fs.renameSync(at, at + '.old');
      fs.symlinkSync(target, at);
    }
    out = await finished;
  } catch (e) { out = { code: e.code, message: e.message }; }
  process.stdout.write(JSON.stringify(out)); s.destroy(); process.exit(0);
});
`;

function asMember(socket: string, params: object, plant: Record<string, string>): { outcome?: string; error?: string; code?: number; message?: string } {
  const jsonrpc = resolve(__dirname, '../../node_modules/vscode-jsonrpc/node.js');
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', `--groups=${GID}`, '--', process.execPath, '-e', MEMBER, socket, JSON.stringify(params), jsonrpc, JSON.stringify(plant)], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReturnType<typeof asMember>;
}

test('strict bundle job: symlinks the member plants as config.json and rootfs are not followed (no root-owned file rewritten or chowned, nothing installed elsewhere)', async (t) => {
  const f = await startWithFakeDebootstrap(t, ['--strict', '--group', String(GID)]);
  // Root's files the member must not reach: one it would get rewritten and chowned, one directory it would get debootstrap to fill.
  const victim = join(f.dir, 'victim');
  mkdirSync(victim, { mode: 0o700 });
  writeFileSync(join(victim, 'shadow'), 'root data\n', { mode: 0o600 });
  const victimTree = join(victim, 'tree');
  mkdirSync(victimTree);
  const home = join(f.dir, 'home');
  mkdirSync(home);
  chownSync(home, NOBODY, NOBODY);
  const bundle = join(home, 'deb');
  mkdirSync(bundle);
  chownSync(bundle, NOBODY, NOBODY);
  const done = asMember(f.socket, { dir: bundle, suite: 'bookworm' }, { 'config.json': join(victim, 'shadow'), rootfs: victimTree });
  assert.equal(readFileSync(join(victim, 'shadow'), 'utf8'), 'root data\n', 'berthd wrote config.json through the member\'s symlink');
  assert.equal(statSync(join(victim, 'shadow')).uid, 0, 'berthd chowned a root file to the member through its symlink');
  assert.ok(!existsSync(join(victimTree, 'bin')), 'debootstrap installed into a directory outside the bundle through the member\'s rootfs symlink');
  assert.equal(done.outcome, 'failed', JSON.stringify(done));
});

// Starts argv[3] jobs (suite fakeslow) in argv[2]/deb-K as the member over one connection; prints how many were accepted and the refusals' codes.
const MANY = `
const rpc = require(process.argv[4]);
const s = require('net').connect(process.argv[1]);
s.on('connect', async () => {
  const c = rpc.createMessageConnection(new rpc.SocketMessageReader(s), new rpc.SocketMessageWriter(s));
  c.listen();
  await c.sendRequest('hello', { protocol: 1, client: 'debootstrap-many' });
  let accepted = 0; const refused = [];
  for (let k = 0; k < Number(process.argv[3]); k++) {
    try { await c.sendRequest('bundle.debootstrap', { dir: process.argv[2] + '/deb-' + k, suite: 'fakeslow' }); accepted++; }
    catch (e) { refused.push(e.code); }
  }
  process.stdout.write(JSON.stringify({ accepted, refused }) + '\\n');
  process.stdin.resume(); process.stdin.on('end', () => process.exit(0));
});
`;

test('strict bundle jobs: a member runs at most 2 at once (each is debootstrap as root: downloads, disk, processes)', async (t) => {
  const f = await startWithFakeDebootstrap(t, ['--strict', '--group', String(GID)]);
  const home = join(f.dir, 'home');
  mkdirSync(home);
  chownSync(home, NOBODY, NOBODY);
  const jsonrpc = resolve(__dirname, '../../node_modules/vscode-jsonrpc/node.js');
  const member = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', `--groups=${GID}`, '--', process.execPath, '-e', MANY, f.socket, home, '12', jsonrpc], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((r) => member.once('exit', r));
  // Closing stdin ends the member, whose disconnect cancels its jobs.
  t.after(async () => {
    member.stdin!.end();
    await exited;
  });
  const { accepted, refused } = JSON.parse(await new Promise<string>((res) => member.stdout!.once('data', (d: Buffer) => res(d.toString())))) as { accepted: number; refused: number[] };
  console.log(`member asked for 12 jobs: ${accepted} accepted, ${refused.length} refused`);
  assert.equal(accepted, 2);
  assert.deepEqual(new Set(refused), new Set([ErrorCode.TooMany]));
});
