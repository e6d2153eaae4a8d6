// End to end in a real VS Code (code-server 4.139.1 = VS Code 1.139.1) and
// a real browser (Debian's Chromium through playwright-core): the packaged
// .vsix is installed, a workspace holding a busybox bundle is opened, and
// the user's path is walked: the Berth view and commands, a typo flagged in
// config.json and berthd's create error on its line, Run Bundle from the
// palette, the container in the view, a shell in the attached terminal
// (echo, hostname, stty size before and after a resize), an exec'd shell
// and pause/resume from the context menu (when berthd implements them),
// kill from the context menu, the exit shown, delete; then New Bundle
// (busybox) into a folder of the workspace and Run Bundle on it from the
// Bundles view (newBundle.ts), and a container's output in the read-only
// log document that follows it (showLogs.ts). One code-server start serves
// every step: its start-up dominates the run.
// Screenshots of the workbench land in test-artifacts/e2e/.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { makeBundle } from '../fixtures/bundle';
import { berthdMissing, startBerthd, type TestDaemon } from './berthd';
import { installCodeServer, installExtension, type Running, scratch, startCodeServer } from './codeServer';
import { newBundleAndRun } from './newBundle';
import { showLogsFollows } from './showLogs';
import { packageVsix } from './vsix';
import { CHROMIUM, launch, Workbench } from './workbench';

const PROJECT = resolve(__dirname, '../..');
const ARTIFACTS = join(PROJECT, 'test-artifacts/e2e');

/** Whether berthd in this tree can run a container with a console (hello lists what it implements). */
async function canRunConsoles(d: TestDaemon): Promise<string | undefined> {
  const c = await d.client();
  try {
    const missing = ['create', 'start', 'attach', 'write', 'resize', 'kill', 'delete'].filter((m) => !c.hello.methods.includes(m));
    return missing.length ? `berthd does not implement ${missing.join(', ')} yet` : undefined;
  } finally {
    c.close();
  }
}

async function daemonMethods(d: TestDaemon): Promise<string[]> {
  const c = await d.client();
  try {
    return c.hello.methods;
  } finally {
    c.close();
  }
}

/** Deletes, with force, the containers a step made (berthd's own stop deletes any left at the end). */
async function deleteContainers(d: TestDaemon, ids: string[]): Promise<void> {
  const c = await d.client();
  try {
    for (const id of ids.splice(0)) await c.request('delete', { id, force: true }).catch(() => undefined);
  } finally {
    c.close();
  }
}

const why = !existsSync(CHROMIUM) ? `${CHROMIUM} missing (apt-get install chromium)` : undefined;

test('Berth in code-server and Chromium: view, commands, typo diagnostic, run, terminal, resize, exec, pause, kill, exit, delete, new bundle, log document', { skip: why, timeout: 8 * 60_000 }, async (t) => {
  const t0 = Date.now();
  const inst = installCodeServer();
  t.diagnostic(`code-server install: ${inst.seconds ? `${inst.seconds.toFixed(0)} s` : 'already installed'}`);

  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  const bundle = makeBundle(['sh'], (s) => {
    s.process!.terminal = true;
    s.hostname = 'berth-e2e';
    s.root!.readonly = false;
  });
  let daemon: TestDaemon | undefined;
  const live: { server?: Running; browser?: Browser } = {};
  t.after(async () => {
    await live.browser?.close().catch(() => undefined);
    await live.server?.stop();
    // code-server's and the extension host's logs go with the screenshots.
    if (existsSync(join(dir, 'user-data/logs'))) cpSync(join(dir, 'user-data/logs'), join(ARTIFACTS, 'logs'), { recursive: true });
    if (live.server) writeFileSync(join(ARTIFACTS, 'code-server.log'), live.server.output());
    if (daemon) writeFileSync(join(ARTIFACTS, 'berthd.log'), daemon.output());
    await daemon?.stop();
    bundle.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const vsix = join(dir, 'berth.vsix');
  packageVsix(vsix);
  const noDaemon = berthdMissing();
  if (!noDaemon) daemon = await startBerthd();
  const noConsoles = daemon ? await canRunConsoles(daemon) : noDaemon;

  const s = scratch(dir, { 'berth.socketPath': daemon?.socket ?? join(dir, 'no-berthd.sock'), 'berth.delete.confirm': true });
  const tInstall = Date.now();
  installExtension(inst, s, vsix);
  t.diagnostic(`extension install: ${((Date.now() - tInstall) / 1000).toFixed(1)} s`);
  const server = (live.server = await startCodeServer(inst, s, bundle.dir));
  const browser = (live.browser = await launch());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const wb = new Workbench(page, ARTIFACTS);
  await wb.open(server.url, bundle.dir);
  t.diagnostic(`workbench visible after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  await t.test('the Berth view opens and the extension activates', async () => {
    await wb.openBerthView();
    await wb.until(async () => /berthd/.test(await wb.statusBarText()), 'the berthd status-bar item (extension activated)', 60_000);
    await wb.screenshot('berth-view');
  });

  await t.test('the status bar says whether berthd is reachable', async () => {
    if (daemon) await wb.until(async () => /berthd \d+/.test(await wb.statusBarText()), 'status bar "berthd <count>" (connected)');
    else {
      const welcome = page.locator('.part.sidebar .welcome-view-content', { hasText: 'berthd, the root helper that runs containers, is not reachable' });
      await welcome.waitFor({ timeout: 20_000 });
    }
    await wb.screenshot('status');
  });

  await t.test('the commands are registered with their category', async () => {
    // The palette's list is virtual: only the first rows are in the DOM, so check those (sorted by title).
    const titles = await wb.paletteRows('Berth: ', daemon ? 12 : 6);
    for (const want of ['Berth: New Bundle…', 'Berth: Reconnect to berthd', ...(daemon ? ['Berth: Attach Terminal', 'Berth: Kill…'] : [])]) {
      assert.ok(titles.some((x) => x.includes(want)), `palette lacks ${want}: ${titles.join(' | ')}`);
    }
  });

  const manifest = JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8')) as { contributes?: { languages?: { id: string }[] } };
  const lsReason = !existsSync(join(PROJECT, 'dist/server.js'))
    ? 'the language server (dist/server.js) is not built yet'
    : !manifest.contributes?.languages?.some((l) => l.id === 'oci-config')
      ? 'package.json does not contribute the oci-config language yet'
      : undefined;
  await t.test('a typo in config.json shows a diagnostic; berthd\'s create error lands on its line', { skip: lsReason }, async () => {
    const config = join(bundle.dir, 'config.json');
    await wb.command('Go to File', { opens: 'quickInput' });
    await page.keyboard.type('config.json');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'config.json' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').first().waitFor();
    await wb.until(async () => /OCI Runtime Config|oci-config/i.test(await wb.statusBarText()), 'config.json in the oci-config language');
    const good = readFileSync(config, 'utf8');
    try {
      writeFileSync(config, good.replace('"type": "pid"', '"type": "pdi"'));
      const problems = page.locator('[id="status.problems"]');
      await wb.until(async () => /[1-9]/.test((await problems.getAttribute('aria-label')) ?? (await problems.innerText())), 'an error counted in the status bar', 30_000);
      // The error sits below the fold: F8 goes to it and shows its message in the marker widget.
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('F8');
      await wb.until(async () => /pdi/.test(await page.locator('.marker-widget').innerText()), 'the diagnostic naming the bad value at its line');
      assert.ok((await page.locator('.monaco-editor .squiggly-error').count()) > 0, 'the bad value is underlined');
      await wb.screenshot('typo-diagnostic');
      await page.keyboard.press('Escape');
      if (daemon) {
        // Run Bundle anyway: berthd refuses it, and its error lands on the field's line as a diagnostic.
        await wb.command('Berth: Run Bundle');
        await wb.notificationButton('has 1 error', 'Run Anyway');
        await wb.notificationButton('Run Bundle: ', 'Show in config.json');
        await wb.command('View: Focus Problems (Errors, Warnings, Infos)');
        const panel = page.locator('.markers-panel');
        await wb.until(async () => /berth run/.test(await panel.innerText()) && /pdi/.test(await panel.innerText()), 'berthd\'s create error in the Problems panel');
        const row = (await panel.locator('.monaco-list-row', { hasText: 'berth run' }).first().innerText()).replace(/\s+/g, ' ');
        assert.match(row, /^linux\.namespaces\[0\]\.type "pdi"/, `the field's line shows berthd's words without the path prefix: ${row}`);
        const line = /\[Ln (\d+), Col \d+\]/.exec(row);
        const typoLine = good.split('\n').findIndex((l) => l.includes('"type": "pid"')) + 1;
        assert.equal(Number(line?.[1]), typoLine, 'the create error sits on the line of /linux/namespaces/0/type');
        await wb.screenshot('create-error');
      }
    } finally {
      writeFileSync(config, good);
    }
    await wb.until(async () => (await page.locator('.monaco-editor .squiggly-error').count()) === 0, 'the squiggle to clear after the fix', 30_000);
    await wb.command('View: Close All Editors');
  });

  await t.test('Run Bundle, shell in the terminal, resize, exec, pause/resume, kill, exit, delete', { skip: noConsoles }, async (t) => {
    await wb.command('Berth: Run Bundle');
    const row = wb.containerRows().filter({ hasText: 'running' });
    await row.first().waitFor({ timeout: 30_000 });
    const label = await row.first().innerText();
    const id = new RegExp(`^${basename(bundle.dir)}-[0-9a-f]{4}`).exec(label)?.[0];
    assert.ok(id, `container id made from the bundle folder's name: ${label}`);
    await wb.screenshot('running');

    await wb.until(async () => /#\s*$/m.test(await wb.terminalText()), 'the shell prompt in the attached terminal');
    await wb.typeInTerminal('echo hello-$((6*7))\n');
    await wb.until(async () => /^hello-42\s*$/m.test(await wb.terminalText()), 'echo output in the terminal');
    await wb.typeInTerminal('hostname\n');
    await wb.until(async () => /^berth-e2e\s*$/m.test(await wb.terminalText()), 'hostname output in the terminal');

    const sizeFile = join(bundle.rootfs, 'root/size');
    const readSize = async (tag: string): Promise<[number, number]> => {
      rmSync(sizeFile, { force: true });
      await wb.typeInTerminal(`stty size > /root/size; echo ${tag}=$(cat /root/size)=\n`);
      await wb.until(async () => existsSync(sizeFile) && readFileSync(sizeFile, 'utf8').trim() !== '', `stty size (${tag}) written inside the container`);
      const [rows, cols] = readFileSync(sizeFile, 'utf8').trim().split(/\s+/).map(Number);
      await wb.until(async () => new RegExp(`${tag}=${rows} ${cols}=`).test(await wb.terminalText()), `stty size (${tag}) shown in the terminal`);
      return [rows, cols];
    };
    const before = await readSize('before');
    assert.ok(before[0] > 2 && before[1] > 20, `console size follows the terminal: ${before}`);
    await wb.command('View: Toggle Maximized Panel');
    let after = before;
    await wb.until(async () => {
      after = await readSize(`after${Date.now() % 1000}`);
      return after[0] !== before[0];
    }, 'the new terminal size inside the container', 30_000);
    assert.ok(after[0] > before[0], `rows grew after maximizing the panel: ${before} → ${after}`);
    await wb.screenshot('terminal');
    await wb.command('View: Toggle Maximized Panel');

    const methods = await daemonMethods(daemon!);
    if (methods.includes('exec')) {
      // A second shell through exec, in its own terminal; closing that terminal only detaches.
      await wb.contextMenu(wb.containerRow(id), 'Exec Shell');
      await wb.until(async () => (await wb.terminalText()).trim() === '/ #' || /^\/ # $/m.test(await wb.terminalText()), 'the exec shell\'s prompt in a new terminal');
      await wb.typeInTerminal('echo exec-$((2+3)) $(hostname)\n');
      await wb.until(async () => /^exec-5 berth-e2e\s*$/m.test(await wb.terminalText()), 'exec output in its terminal');
      await wb.screenshot('exec');
      await wb.command('Terminal: Kill the Active Terminal Instance');
      await wb.until(async () => /hello-42/.test(await wb.terminalText()), 'the console terminal active again');
    } else t.diagnostic('exec step not run: this berthd does not implement exec');
    if (methods.includes('pause') && methods.includes('resume')) {
      await wb.contextMenu(wb.containerRow(id), 'Pause');
      await wb.containerRow(id).filter({ hasText: 'paused' }).waitFor({ timeout: 15_000 });
      await wb.screenshot('paused');
      await wb.contextMenu(wb.containerRow(id), 'Resume');
      await wb.containerRow(id).filter({ hasText: 'running' }).waitFor({ timeout: 15_000 });
      await wb.typeInTerminal('echo resumed-$((3*3))\n');
      await wb.until(async () => /^resumed-9\s*$/m.test(await wb.terminalText()), 'the shell answers after resume');
    } else t.diagnostic('pause/resume step not run: this berthd does not implement them');

    await wb.contextMenu(wb.containerRow(id), 'Kill…');
    await wb.pick('SIGKILL');
    const stopped = wb.containerRow(id).filter({ hasText: 'stopped' });
    await stopped.waitFor({ timeout: 20_000 });
    const text = await stopped.innerText();
    assert.match(text, /killed by SIGKILL|exit \d+/, `the exit shows in the view: ${text}`);
    await wb.until(async () => /exited: (killed by SIGKILL|exit \d+)/.test(await wb.terminalText()), 'the exit line in the terminal');
    await wb.screenshot('stopped');

    await wb.contextMenu(wb.containerRow(id), 'Delete');
    const confirm = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Delete$/ });
    await wb.until(() => confirm.isVisible(), 'the delete confirmation dialog', 10_000);
    await confirm.click();
    await wb.until(async () => (await wb.containerRow(id).count()) === 0, 'the container to leave the view');
    const c = await daemon!.client();
    try {
      const { containers } = await c.request('list', {});
      assert.ok(!containers.some((k) => k.id === id), 'berthd no longer lists it');
    } finally {
      c.close();
    }
    await wb.screenshot('deleted');
  });

  // After the steps above: the new bundle makes a second bundle in the
  // workspace, so Run Bundle from the palette would ask which one.
  const made: string[] = [];
  await t.test('New Bundle (busybox) into a workspace folder: config.json as oci-config with the expected problems, rootfs, Bundles view, Run Bundle', { skip: lsReason ?? noConsoles }, async () => {
    const t1 = Date.now();
    try {
      await newBundleAndRun({ wb, daemon: daemon!, workspace: bundle.dir, made });
    } catch (e) {
      await wb.screenshot('failed-new-bundle').catch(() => undefined);
      throw e;
    } finally {
      await deleteContainers(daemon!, made);
    }
    t.diagnostic(`new bundle step: ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  });

  const served = daemon ? await daemonMethods(daemon) : [];
  const noLogs = ['create', 'start', 'logs', 'delete'].filter((m) => !served.includes(m));
  await t.test('Show Logs from the Containers view: the read-only log document shows the output and follows it', { skip: noDaemon ?? (noLogs.length ? `berthd does not implement ${noLogs.join(', ')} yet` : undefined) }, async () => {
    const t1 = Date.now();
    try {
      await showLogsFollows({ wb, daemon: daemon!, made });
    } catch (e) {
      await wb.screenshot('failed-log-document').catch(() => undefined);
      throw e;
    } finally {
      await deleteContainers(daemon!, made);
    }
    t.diagnostic(`log document step: ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  });

  t.diagnostic(`end-to-end wall time: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});
