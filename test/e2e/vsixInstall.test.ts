// From the .vsix alone to a running container, in code-server and Chromium:
// the packaged .vsix (its size and file list checked: the runtime is in
// it) is the only thing installed, into a fresh extensions dir, and no
// berthd runs. The disconnected view offers Install berthd; the palette's
// "Berth: Install berthd…" asks (root: no group question), and its terminal
// runs install-berthd.sh from the installed extension's folder, which
// copies the runtime into a root-owned prefix, writes the unit, creates the
// group and, with no systemd here, prints the command that starts berthd.
// The test runs that command, as a user would in a root shell; the
// status bar turns connected by itself, Run Bundle runs the busybox
// bundle's shell in the terminal, and the container shows in the view.
// Then the extension is pointed at a berthd that answers hello with an
// older version: it offers the update, which runs the same install again.
// The install's paths are the test's own (BERTH_INSTALL_PREFIX, _UNIT_DIR,
// _ROOT, _GROUP in code-server's environment; the socket by the setting),
// and everything it made is removed afterwards: the runtime dir, the unit,
// berthd (by the pid its hello gives), the group.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { BerthClient } from '../../helper/protocol/client';
import { makeBundle } from '../fixtures/bundle';
import { installCodeServer, installExtension, type Running, scratch, startCodeServer } from './codeServer';
import { olderBerthd } from './olderBerthd';
import { packageVsix } from './vsix';
import { CHROMIUM, launch, Workbench } from './workbench';

const PROJECT = resolve(__dirname, '../..');
const ARTIFACTS = join(PROJECT, 'test-artifacts/e2e-install');
const { version: VERSION, publisher, name } = JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8')) as { version: string; publisher: string; name: string };

const why = !existsSync(CHROMIUM) ? `${CHROMIUM} missing (apt-get install chromium)` : process.getuid?.() !== 0 ? 'installs berthd: needs root' : undefined;

test('from the .vsix alone: Install berthd, status bar connected, Run Bundle, a shell; an older berthd gets the update offer', { skip: why, timeout: 6 * 60_000 }, async (t) => {
  const t0 = Date.now();
  const inst = installCodeServer();
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'berth-e2e-install-'));
  const group = `berthe2e${process.pid % 100000}`;
  assert.notEqual(spawnSync('getent', ['group', group]).status, 0, `group ${group} is free`);
  const paths = { prefix: join(dir, 'lib'), units: join(dir, 'units'), root: join(dir, 'root'), socket: join(dir, 'berthd.sock'), older: join(dir, 'older.sock') };
  const bundle = makeBundle(['sh'], (s) => {
    s.process!.terminal = true;
    s.hostname = 'berth-vsix';
    s.root!.readonly = false;
  });
  const live: { server?: Running; browser?: Browser; berthdPid?: number; berthdLog: string; older?: { close(): Promise<void> } } = { berthdLog: '' };
  t.after(async () => {
    await live.browser?.close().catch(() => undefined);
    // berthd, by the pid its hello gave: first its containers, then berthd itself.
    if (live.berthdPid) {
      try {
        const c = await BerthClient.connect({ socket: paths.socket, client: 'berth-test-cleanup', timeoutMs: 2000 });
        for (const k of (await c.request('list', {})).containers) await c.request('delete', { id: k.id, force: true }).catch(() => undefined);
        c.close();
      } catch {
        // berthd gone already
      }
      try {
        process.kill(live.berthdPid, 'SIGTERM');
        for (let i = 0; i < 50 && existsSync(`/proc/${live.berthdPid}`); i++) await new Promise((r) => setTimeout(r, 100));
        if (existsSync(`/proc/${live.berthdPid}`)) process.kill(live.berthdPid, 'SIGKILL');
      } catch {
        // already exited
      }
    }
    await live.server?.stop();
    await live.older?.close();
    if (existsSync(join(dir, 'user-data/logs'))) cpSync(join(dir, 'user-data/logs'), join(ARTIFACTS, 'logs'), { recursive: true });
    if (live.server) writeFileSync(join(ARTIFACTS, 'code-server.log'), live.server.output());
    writeFileSync(join(ARTIFACTS, 'berthd.log'), live.berthdLog);
    spawnSync('groupdel', [group]);
    bundle.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  // The .vsix: under 5 MB, with the runtime and both addons.
  const vsix = join(dir, 'berth.vsix');
  const packaged = packageVsix(vsix);
  t.diagnostic(`berth.vsix: ${(packaged.bytes / 1024 / 1024).toFixed(2)} MB, ${packaged.files.length} files: ${packaged.files.join(' ')}`);
  assert.ok(packaged.bytes < 5 * 1024 * 1024, `the .vsix is under 5 MB: ${packaged.bytes}`);
  for (const f of ['dist/berth', 'dist/berthd.js', 'dist/init.js', 'dist/exec.js', 'dist/koffi/linux_x64/koffi.node', 'dist/koffi/linux_arm64/koffi.node', 'scripts/install-berthd.sh', 'dist/extension.js', 'dist/server.js']) {
    assert.ok(packaged.files.includes(`extension/${f}`), `the .vsix carries ${f}`);
  }
  assert.ok(!packaged.files.some((f) => f.endsWith('.map') || f.includes('node_modules')), 'no source maps, no node_modules');

  const s = scratch(dir, { 'berth.socketPath': paths.socket, 'berth.delete.confirm': false });
  Object.assign(s.env, { BERTH_INSTALL_PREFIX: paths.prefix, BERTH_INSTALL_UNIT_DIR: paths.units, BERTH_INSTALL_ROOT: paths.root, BERTH_INSTALL_GROUP: group });
  for (const k of ['BERTHD_JS', 'BERTH_INIT', 'BERTH_EXEC']) delete s.env[k];
  installExtension(inst, s, vsix);
  const extDir = join(s.extensions, `${publisher}.${name}-${VERSION}`);
  assert.ok(existsSync(join(extDir, 'dist/berthd.js')), `installed into ${extDir}`);
  const server = (live.server = await startCodeServer(inst, s, bundle.dir));
  const browser = (live.browser = await launch());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const wb = new Workbench(page, ARTIFACTS);
  await wb.open(server.url, bundle.dir);

  // A modal dialog's button: clicked until the dialog closes (a click can land while it is still animating in).
  let dialogText = '';
  const dialogButton = async (label: string, what: string, shot: boolean) => {
    const box = page.locator('.monaco-dialog-box');
    const button = box.locator('.monaco-button', { hasText: new RegExp(`^${label}$`) });
    await wb.until(() => button.isVisible(), what, 15_000);
    dialogText = await box.innerText();
    if (shot) await wb.screenshot('dialog');
    await wb.until(async () => {
      if (await button.isVisible()) await button.click({ timeout: 2000 }).catch(() => undefined);
      return !(await box.isVisible());
    }, `${what} to close on ${label}`, 15_000);
  };

  await t.test('no berthd: the view offers Install berthd', async () => {
    await wb.openBerthView();
    const welcome = page.locator('.part.sidebar .welcome-view-content', { hasText: 'not reachable' });
    await welcome.waitFor({ timeout: 60_000 });
    assert.ok(await welcome.locator('a, .monaco-button', { hasText: 'Install berthd…' }).first().isVisible(), 'an Install berthd… button in the Containers view');
    await wb.until(async () => /berthd/.test(await wb.statusBarText()), 'the berthd status-bar item');
    assert.doesNotMatch(await wb.statusBarText(), /berthd \d+/, 'not connected');
    await wb.screenshot('not-installed');
  });

  let start = '';
  await t.test('Install berthd: the terminal installs from the extension folder into a root-owned prefix and prints the start command', async () => {
    const t1 = Date.now();
    await wb.command('Berth: Install berthd…');
    await dialogButton('Install', 'the install dialog', true);
    // The terminal's DOM holds its visible rows only: the end of the output.
    await wb.until(async () => /berth: done/.test(await wb.terminalText()), 'the install to finish in its terminal', 60_000);
    await wb.screenshot('installed');
    assert.equal(spawnSync('getent', ['group', group]).status, 0, `group ${group} created`);
    const dest = join(paths.prefix, VERSION);
    for (const f of ['berth', 'berthd.js', 'init.js', 'exec.js']) {
      const st = statSync(join(dest, f));
      assert.ok(st.uid === 0 && (st.mode & 0o022) === 0, `${f} root-owned, writable by root only`);
    }
    // No systemd here: the script printed the command that starts berthd, the unit's ExecStart (test/extension/install.test.ts checks the printing).
    const unit = readFileSync(join(paths.units, 'berthd.service'), 'utf8');
    start = /^ExecStart=(.+)$/m.exec(unit)?.[1] ?? '';
    assert.ok(start.includes(`${dest}/berthd.js`), `the unit runs the root-owned copy: ${start}`);
    assert.ok(!unit.includes(PROJECT) && !unit.includes(extDir), 'nothing of the checkout or the extension folder in the unit');
    t.diagnostic(`install step: ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  });

  await t.test('the printed command, run as root, starts berthd; the status bar turns connected by itself', async () => {
    const t1 = Date.now();
    // As the user would in a root shell (exec: sh's pid becomes berthd's, ended by that pid afterwards).
    const berthd = spawn('sh', ['-c', `exec ${start}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    berthd.stderr!.on('data', (d: Buffer) => (live.berthdLog += d.toString()));
    live.berthdPid = berthd.pid;
    await wb.until(async () => /berthd \d+/.test(await wb.statusBarText()), 'status bar "berthd <count>" (connected)', 30_000);
    t.diagnostic(`connected ${((Date.now() - t1) / 1000).toFixed(1)} s after berthd was started`);
    const c = await BerthClient.connect({ socket: paths.socket, client: 'berth-test', timeoutMs: 5000 });
    assert.equal(c.hello.pid, live.berthdPid, 'the berthd this test started answers');
    assert.equal(c.hello.server, VERSION);
    c.close();
    assert.match(readFileSync(`/proc/${live.berthdPid}/cmdline`, 'utf8'), new RegExp(`${paths.prefix}/${VERSION}/berthd\\.js`), 'berthd runs from the root-owned copy');
    await wb.screenshot('connected');
  });

  await t.test('Run Bundle: the busybox shell in the terminal, the container in the view', async () => {
    await wb.command('Berth: Run Bundle');
    const row = wb.containerRows().filter({ hasText: 'running' });
    await row.first().waitFor({ timeout: 30_000 });
    await wb.until(async () => /#\s*$/m.test(await wb.terminalText()), 'the shell prompt in the attached terminal');
    await wb.typeInTerminal('echo vsix-$((6*7)) $(hostname)\n');
    await wb.until(async () => /^vsix-42 berth-vsix\s*$/m.test(await wb.terminalText()), 'the shell answers inside the container');
    await wb.screenshot('running');
  });

  await t.test('an older berthd: the extension offers the update, which runs the same install', async () => {
    live.older = await olderBerthd(paths.older, '0.0.1');
    const machine = join(s.userData, 'Machine/settings.json');
    writeFileSync(machine, JSON.stringify({ ...JSON.parse(readFileSync(machine, 'utf8')), 'berth.socketPath': paths.older }, null, 2));
    await wb.notificationButton(`berthd 0.0.1 is older than the Berth extension (${VERSION})`, 'Update berthd…');
    await dialogButton('Install', 'the update dialog', false);
    assert.match(dialogText, /older than the Berth extension/);
    // The same install, now for the setting's socket: the unit it writes says so.
    await wb.until(async () => /^ExecStart=.* --socket \S*older\.sock/m.test(readFileSync(join(paths.units, 'berthd.service'), 'utf8')), 'the update to rewrite the unit', 60_000);
    await wb.screenshot('update');
  });

  t.diagnostic(`install end-to-end wall time: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});
