// The New Bundle step of the end-to-end session: "Berth: New Bundle…" from
// the palette, a folder given in VS Code's own file dialog (the simple
// dialog a browser window uses), the busybox choice, and then what the user
// sees: config.json open as oci-config with exactly the findings the rules
// give for it, the rootfs on disk, the Bundles view listing the folder, and
// Run Bundle from that view's context menu reaching a running container.
// The debootstrap choice needs the network; test/daemon covers its job.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '../../helper/spec/types';
import { validateConfig } from '../../helper/spec/validate';
import type { TestDaemon } from './berthd';
import type { Workbench } from './workbench';

export interface NewBundleSession {
  wb: Workbench;
  daemon: TestDaemon;
  /** The folder code-server has open. */
  workspace: string;
  /** Ids of containers this step made, for the caller's cleanup. */
  made: string[];
}

export async function newBundleAndRun(s: NewBundleSession, name = 'newbox'): Promise<string> {
  const { wb } = s;
  const page = wb.page;
  const bundle = join(s.workspace, name);
  // The user makes the folder first: VS Code's open dialog only picks existing ones.
  mkdirSync(bundle);

  await wb.command('View: Close All Editors');
  await wb.command('Berth: New Bundle…', { opens: 'quickInput' });
  // The simple file dialog: a quick input holding a path and a list of the
  // folder's entries, its button labelled as the command asks. Typing the
  // path makes it list that (empty) folder: only "..". The button accepts it.
  const input = page.locator('.quick-input-widget input');
  const accept = page.locator('.quick-input-widget .monaco-button', { hasText: 'Make Bundle Here' });
  await wb.until(async () => (await accept.isVisible()) && (await input.inputValue()).startsWith('/'), 'the file dialog (Make Bundle Here)', 10_000);
  await input.fill(`${bundle}/`);
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await wb.until(async () => (await rows.allInnerTexts()).map((x) => x.trim()).join('|') === '..', `the file dialog listing the empty ${name}`, 10_000);
  await accept.click();
  const title = page.locator('.quick-input-widget .quick-input-title');
  await wb.until(async () => (await title.innerText()) === `Root filesystem for ${name}`, `the rootfs quick pick for ${name}`, 10_000);
  const choices = (await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).join(' | ');
  for (const want of ['busybox', 'Debian or Ubuntu', 'Existing directory']) assert.ok(choices.includes(want), `rootfs choice ${want} offered: ${choices}`);
  await wb.screenshot('new-bundle-source');
  await wb.pick('busybox');

  // config.json opens in the editor, in the oci-config language.
  const config = join(bundle, 'config.json');
  await wb.until(async () => (await wb.activeTab()).startsWith('config.json') && (await wb.breadcrumbs()).join('/').startsWith(`${name}/config.json`), `${name}/config.json as the active editor`);
  await wb.until(async () => /OCI Runtime Config/.test(await wb.statusBarText()), 'the new config.json in the oci-config language');

  // On disk: config.json as `berth spec` writes it with root.path set, and a busybox rootfs.
  const spec = JSON.parse(readFileSync(config, 'utf8')) as Spec;
  assert.equal(spec.root?.path, 'rootfs', 'root.path is relative to the bundle');
  assert.deepEqual(spec.process?.args, ['sh'], 'the process is berth spec\'s shell');
  const busybox = join(bundle, 'rootfs/bin/busybox');
  assert.ok(statSync(busybox).mode & 0o111, `${busybox} is executable`);
  assert.ok(lstatSync(join(bundle, 'rootfs/bin/sh')).isSymbolicLink() && readlinkSync(join(bundle, 'rootfs/bin/sh')) === 'busybox', 'rootfs/bin/sh links to busybox');
  assert.ok(existsSync(join(bundle, 'rootfs/etc/passwd')), 'rootfs/etc/passwd written');

  // The editor shows exactly the findings the shared rules give for this file.
  // The outline (breadcrumbs) comes from the server after it has published
  // this document's diagnostics, so the count below is not read too early.
  const want = validateConfig(spec, { bundleDir: bundle, host: true });
  const expected = {
    errors: want.filter((f) => f.severity === 'error').length,
    warnings: want.filter((f) => f.severity === 'warning').length,
    infos: want.filter((f) => f.severity === 'info').length,
  };
  await page.locator('.part.editor .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft'); // inside "ociVersion": "1.3.0", before its comma
  await page.keyboard.press('ArrowLeft');
  await wb.until(async () => (await wb.breadcrumbs()).includes('ociVersion'), 'the outline of the new config.json in the breadcrumbs', 30_000);
  const shown = await wb.problemCounts();
  assert.deepEqual(shown, expected, `problems shown for the new bundle match the rules' findings: ${JSON.stringify(want)}`);
  await wb.screenshot('new-bundle-config');

  // The Bundles view lists it (a file watcher refreshes the view).
  const row = wb.bundleRows().filter({ hasText: name });
  await wb.until(async () => (await row.count()) === 1, `${name} in the Bundles view`);

  // Run Bundle from the Bundles view's context menu.
  const before = new Set((await daemonIds(s.daemon)));
  await wb.contextMenu(row, 'Run Bundle');
  const running = wb.containerRows().filter({ hasText: new RegExp(`${name}-[0-9a-f]{4}`) }).filter({ hasText: 'running' });
  await running.first().waitFor({ timeout: 30_000 });
  const id = new RegExp(`${name}-[0-9a-f]{4}`).exec(await running.first().innerText())?.[0];
  assert.ok(id, 'the container id is made from the new folder\'s name');
  s.made.push(id);
  assert.ok(!before.has(id), `${id} is new`);
  const c = await s.daemon.client();
  try {
    const st = await c.request('state', { id });
    assert.equal(st.status, 'running', `berthd has ${id} running`);
    assert.equal(st.bundle, bundle, `${id} runs the new bundle`);
  } finally {
    c.close();
  }
  // berth spec's process has a terminal: its console is attached and answers.
  await wb.until(async () => /#\s*$/m.test(await wb.terminalText()), 'the new container\'s shell prompt');
  await wb.typeInTerminal('echo newbox-$((5*5))\n');
  await wb.until(async () => /^newbox-25\s*$/m.test(await wb.terminalText()), 'echo output from the new bundle\'s shell');
  await wb.screenshot('new-bundle-running');
  return id;
}

async function daemonIds(d: TestDaemon): Promise<string[]> {
  const c = await d.client();
  try {
    return (await c.request('list', {})).containers.map((k) => k.id);
  } finally {
    c.close();
  }
}
