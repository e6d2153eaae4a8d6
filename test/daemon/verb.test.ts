// `berth daemon` runs berthd in the foreground through the CLI bundle, and
// SIGTERM ends it with status 0; `berth daemon install` writes a unit that
// stops berthd alone and creates the allowed group.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { BerthClient } from '../../helper/protocol/client';
import { resolveGroup } from '../../helper/daemon/group';
import { NODE_FLAGS } from '../../helper/daemon/nodeFlags';
import { cleanupDir, makeDir, sleep } from './harness';

const BERTH = resolve(__dirname, '../../dist/berth');

test('berth daemon serves the socket and exits 0 on SIGTERM', async (t) => {
  assert.ok(existsSync(BERTH), `${BERTH} is missing: run node esbuild.mjs`);
  const dir = makeDir();
  t.after(() => cleanupDir(dir));
  const socket = join(dir, 's.sock');
  const child = spawn(process.execPath, [BERTH, '--root', join(dir, 'root'), 'daemon', '--socket', socket, '--audit-log', join(dir, 'audit.log'), '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.after(() => child.kill('SIGKILL'));
  const deadline = Date.now() + 5000;
  while (!existsSync(socket)) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `berth daemon did not listen: ${err}`);
    await sleep(10);
  }
  const c = await BerthClient.connect({ socket });
  assert.equal(c.hello.root, join(dir, 'root'));
  // berthd re-executed itself in place (same pid) under its memory flags.
  assert.equal(c.hello.pid, child.pid);
  const cmd = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
  for (const f of NODE_FLAGS) assert.ok(cmd.includes(f), `berth daemon runs node with ${f}: ${cmd.join(' ')}`);
  c.close();
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  const lines = err.trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string });
  assert.ok(lines.some((l) => l.msg === 'listening'), 'JSON log lines on stderr');
  assert.ok(!existsSync(socket), 'socket removed on graceful stop');
});

test('berth daemon install writes the unit and creates the group', (t) => {
  const dir = makeDir();
  const group = `berthtest${process.pid}`;
  t.after(async () => {
    if (resolveGroup(group) !== undefined) execFileSync('groupdel', [group]);
    await cleanupDir(dir);
  });
  assert.equal(resolveGroup(group), undefined);
  const out = execFileSync(process.execPath, [BERTH, 'daemon', 'install', '--unit-dir', dir, '--group', group], { encoding: 'utf8' });
  assert.match(out, new RegExp(`created group ${group}`));
  assert.notEqual(resolveGroup(group), undefined, 'group exists in /etc/group');
  const unit = readFileSync(join(dir, 'berthd.service'), 'utf8');
  assert.match(unit, /^ExecStart=\S+node (--\S+ )+\S+berthd\.js --root \/run\/berth --socket \/run\/berth\/berthd\.sock --group berthtest\d+$/m);
  assert.match(unit, /^KillMode=process$/m);
  for (const f of NODE_FLAGS) assert.ok(unit.includes(` ${f} `), `the unit starts node with ${f}`);
  assert.match(unit, /root-equivalent/);
});
