// "Berth: Install berthd…" without VS Code: the version check that offers
// an update, the command line the terminal runs (sudo, pkexec, root;
// quoting; the test overrides), the group check, the socket watch that
// connects as soon as berthd's socket answers, and scripts/install-berthd.sh
// run for real as root into a temporary prefix, unit dir and group: the
// runtime copied root-owned and runnable, the unit, the group and the user
// in it, the printed start command (no systemd here) starting a berthd that
// answers hello with this version, and an update keeping --strict.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Backoff } from '../../extension/berthd/backoff';
import { BerthdConnection } from '../../extension/berthd/connection';
import { SocketWatch } from '../../extension/berthd/socketWatch';
import { inGroupFile, plan } from '../../extension/install/plan';
import { compareVersions, isProtocolRefusal, outdated } from '../../extension/install/version';
import { BerthClient } from '../../helper/protocol/client';
import { PROTOCOL_VERSION } from '../../helper/protocol/version';
import { berthdMissing, startBerthd, type TestDaemon } from '../e2e/berthd';

const PROJECT = resolve(__dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8')) as { version: string }).version;

test('install: versions compare numerically; an older berthd or another protocol is outdated', () => {
  assert.ok(compareVersions('0.1.9', '0.1.10') < 0);
  assert.ok(compareVersions('0.2.0', '0.1.10') > 0);
  assert.equal(compareVersions('0.1.0', '0.1'), 0);
  assert.ok(compareVersions('0.2.0-rc.1', '0.2.0') < 0);
  assert.equal(outdated({ server: '0.1.0', protocol: PROTOCOL_VERSION }, '0.1.0'), undefined);
  assert.equal(outdated({ server: '0.2.0', protocol: PROTOCOL_VERSION }, '0.1.0'), undefined, 'a newer berthd is fine');
  assert.match(outdated({ server: '0.0.9', protocol: PROTOCOL_VERSION }, '0.1.0') ?? '', /berthd 0\.0\.9 is older than the Berth extension \(0\.1\.0\)/);
  assert.match(outdated({ server: '0.1.0', protocol: PROTOCOL_VERSION + 1 }, '0.1.0') ?? '', /speaks protocol/);
  // berthd's own refusal text (helper/daemon/handlers.ts), as the connection reports it.
  assert.ok(isProtocolRefusal(`protocol ${PROTOCOL_VERSION}: this berthd speaks protocol ${PROTOCOL_VERSION + 1}`));
  assert.ok(!isProtocolRefusal('no berthd socket at /run/berth/berthd.sock'));
});

test('install: the command line through sudo, pkexec or as root, quoted, with the user\'s choice and the test overrides', () => {
  const ext = "/home/o'neil/.vscode/extensions/berth.berth-0.1.0";
  const script = `${ext}/scripts/install-berthd.sh`;
  const sudo = plan(ext, '/run/berth/berthd.sock', { addUser: 'oneil', strict: true }, { env: {}, uid: 1000, has: (c) => (c === 'sudo' ? '/usr/bin/sudo' : undefined) });
  const withNode = plan(ext, '/run/berth/berthd.sock', {}, { env: {}, uid: 1000, has: (c) => (c === 'sudo' || c === '/usr/bin/node' ? c : undefined) });
  assert.ok(!withNode.argv.includes('--node'), 'a system node: no fallback passed');
  assert.equal(sudo.elevate, 'sudo');
  assert.deepEqual(sudo.argv.slice(0, 6), ['sudo', 'sh', script, '--user', 'oneil', '--strict']);
  assert.deepEqual(sudo.argv.slice(-2), ['--node', process.execPath], 'no system node: the extension host\'s Node (plain Node here) as a fallback');
  assert.ok(sudo.line.startsWith(`sudo sh '/home/o'\\''neil/.vscode/extensions/berth.berth-0.1.0/scripts/install-berthd.sh' --user oneil --strict`), sudo.line);
  assert.equal(sudo.group, 'berth');
  assert.ok(!sudo.argv.includes('--socket'), 'the default socket is the script\'s default');
  const pk = plan(ext, '/tmp/my socket', {}, { env: {}, uid: 1000, has: () => undefined });
  assert.deepEqual(pk.argv.slice(0, 3), ['pkexec', '/bin/sh', script]);
  assert.ok(pk.line.includes(`--socket '/tmp/my socket'`));
  const root = plan(ext, '/run/berth/berthd.sock', { strict: false }, { env: { BERTH_INSTALL_PREFIX: '/tmp/p', BERTH_INSTALL_GROUP: 'g1', BERTH_INSTALL_ROOT: '/tmp/r', BERTH_INSTALL_UNIT_DIR: '/tmp/u' }, uid: 0, has: () => undefined });
  assert.equal(root.elevate, 'none');
  assert.deepEqual(root.argv.slice(0, 12), ['sh', script, '--no-strict', '--group', 'g1', '--root', '/tmp/r', '--prefix', '/tmp/p', '--no-link', '--unit-dir', '/tmp/u']);
  assert.equal(root.group, 'g1');
});

test('install: group membership is read from /etc/group (this process may predate it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-group-'));
  try {
    const f = join(dir, 'group');
    writeFileSync(f, 'root:x:0:\nberth:x:990:alice,bob\nberthx:x:991:carol\n');
    assert.ok(inGroupFile('bob', 'berth', f));
    assert.ok(!inGroupFile('carol', 'berth', f));
    assert.ok(!inGroupFile('alice', 'nogroup', f));
    assert.ok(!inGroupFile('alice', 'berth', join(dir, 'missing')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('install: the socket watch connects as soon as berthd listens, not after the reconnect backoff', { skip: berthdMissing(), timeout: 30_000 }, async (t) => {
  const daemon: TestDaemon = await startBerthd();
  // Hide berthd's socket, connect and fail, then put it back: with a backoff of a minute,
  // only the watch can make the connection try again within the test.
  const hidden = `${daemon.socket}.hidden`;
  renameSync(daemon.socket, hidden);
  const conn = new BerthdConnection({ socketPath: daemon.socket, clientName: 'berth-install-test', backoff: new Backoff({ first: 60_000, max: 60_000, factor: 1, jitter: 0 }) });
  const watch = new SocketWatch(conn, 100);
  t.after(async () => {
    watch.dispose();
    conn.dispose();
    await daemon.stop();
  });
  await conn.start();
  assert.equal(conn.state.kind, 'disconnected');
  assert.equal((conn.state as { retryInMs?: number }).retryInMs, 60_000);
  const t0 = Date.now();
  renameSync(hidden, daemon.socket);
  await conn.whenConnected(5000);
  t.diagnostic(`connected ${Date.now() - t0} ms after the socket appeared`);
});

test('install: scripts/install-berthd.sh as root into a temporary prefix, unit dir and group; the printed command starts berthd; an update keeps --strict', { skip: process.getuid?.() !== 0 ? 'needs root' : !existsSync(join(PROJECT, 'dist/berthd.js')) ? 'dist/ not built' : undefined, timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-install-'));
  const group = `berthit${process.pid % 100000}`;
  const prefix = join(dir, 'lib');
  const unitDir = join(dir, 'units');
  const socket = join(dir, 'berthd.sock');
  const live: { berthd?: ReturnType<typeof spawn> } = {};
  t.after(() => {
    // The berthd this test started, by its pid (exec'd by sh, so sh's pid is berthd's).
    if (live.berthd?.pid && live.berthd.exitCode === null) process.kill(live.berthd.pid, 'SIGKILL');
    spawnSync('groupdel', [group]);
    spawnSync('userdel', [`${group}u`]);
    rmSync(dir, { recursive: true, force: true });
  });
  assert.equal(spawnSync('useradd', ['--system', '--no-create-home', `${group}u`]).status, 0, 'a throwaway user to add to the group');
  const run = (...extra: string[]) => {
    const r = spawnSync('sh', [join(PROJECT, 'scripts/install-berthd.sh'), '--prefix', prefix, '--unit-dir', unitDir, '--socket', socket, '--root', join(dir, 'root'), '--group', group, '--no-link', ...extra], { encoding: 'utf8' });
    assert.equal(r.status, 0, `install-berthd.sh: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const out = run('--user', `${group}u`, '--strict');
  const dest = join(prefix, VERSION);
  for (const f of ['berth', 'berthd.js', 'init.js', 'exec.js', `koffi/${process.arch === 'arm64' ? 'linux_arm64' : 'linux_x64'}/koffi.node`]) {
    const s = statSync(join(dest, f));
    assert.equal(s.uid, 0, `${f} owned by root`);
    assert.equal(s.mode & 0o022, 0, `${f} writable by root only`);
  }
  assert.match(out, new RegExp(`created group ${group}`));
  assert.match(out, /root-equivalent/);
  assert.match(out, /new logins/);
  assert.match(spawnSync('id', ['-nG', `${group}u`], { encoding: 'utf8' }).stdout, new RegExp(`\\b${group}\\b`));
  const unit = readFileSync(join(unitDir, 'berthd.service'), 'utf8');
  assert.match(unit, new RegExp(`^ExecStart=\\S+ .*${dest}/berthd\\.js .*--strict`, 'm'));
  // No systemd in the test machine: the script prints the command to start berthd by hand.
  const start = /run it as root, in the foreground:\n\n {4}(.+)\n/.exec(out)?.[1];
  assert.ok(start, `the start command is printed: ${out}`);
  assert.equal(spawnSync('sh', ['-c', `${dest}/berth --version`], { encoding: 'utf8' }).stdout.split('\n')[0], `berth version ${VERSION}`);
  live.berthd = spawn('sh', ['-c', `exec ${start}`], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  let hello: BerthClient['hello'] | undefined;
  while (!hello) {
    try {
      const c = await BerthClient.connect({ socket, client: 'berth-install-test', timeoutMs: 2000 });
      hello = c.hello;
      c.close();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  assert.equal(hello.server, VERSION);
  assert.equal(statSync(socket).gid, Number(spawnSync('getent', ['group', group], { encoding: 'utf8' }).stdout.split(':')[2]), 'the socket belongs to the group');
  // An update without --strict/--no-strict keeps the unit's mode; the user already in the group is left alone.
  const again = run('--user', `${group}u`);
  assert.match(again, /already in group/);
  assert.match(readFileSync(join(unitDir, 'berthd.service'), 'utf8'), /--strict/);
  assert.doesNotMatch(run('--no-strict'), /created group/);
  assert.doesNotMatch(readFileSync(join(unitDir, 'berthd.service'), 'utf8'), /--strict/);
});
