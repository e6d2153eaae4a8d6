// The log document step of the end-to-end session: a container without a
// terminal, made through berthd, prints two known lines and waits; "Show
// Logs" from its context menu in the Containers view opens the read-only
// `berth-logs:` document showing them; a third line printed later (when the
// test drops a file into the rootfs) appears in the open document, which is
// what the command promises (it follows new output).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBundle } from '../fixtures/bundle';
import type { TestDaemon } from './berthd';
import type { Workbench } from './workbench';

export interface LogsSession {
  wb: Workbench;
  daemon: TestDaemon;
  /** Ids of containers this step made, for the caller's cleanup. */
  made: string[];
}

/** Deletes its container itself; its id is in `made` before create, for the caller's cleanup if this throws midway. */
export async function showLogsFollows(s: LogsSession): Promise<void> {
  const { wb } = s;
  const page = wb.page;
  const id = `e2e-logs-${process.pid}`;
  // The shell waits for /root/more (written from the host) before its third line.
  const script = 'echo log-one; echo log-two 1>&2; while [ ! -e /root/more ]; do sleep 0.1; done; echo log-three; exec sleep 600';
  const bundle = makeBundle(['sh', '-c', script]);
  s.made.push(id);
  try {
    const c = await s.daemon.client();
    try {
      const created = await c.request('create', { id, bundle: bundle.dir });
      assert.equal(created.terminal, false, `${id} has no terminal: its output goes to berthd's log`);
      await c.request('start', { id });
    } finally {
      c.close();
    }

    await wb.command('View: Close All Editors');
    const row = wb.containerRow(id).filter({ hasText: 'running' });
    await row.waitFor({ timeout: 20_000 });
    await wb.contextMenu(row, 'Show Logs');
    await wb.until(async () => (await wb.activeTab()).includes(`${id}.log`), `the log document ${id}.log as the active editor`);
    await wb.until(async () => /^log-one\s*$/m.test(await wb.editorText()) && /^log-two\s*$/m.test(await wb.editorText()), 'stdout and stderr lines in the log document');
    assert.doesNotMatch(await wb.editorText(), /log-three/, 'the third line is not printed yet');

    // Read-only: typing is refused with VS Code's own message, the text stays.
    await page.locator('.part.editor .monaco-editor .view-lines').first().click();
    const before = await wb.editorText();
    await page.keyboard.type('x');
    await wb.until(() => page.locator('.monaco-editor-overlaymessage', { hasText: /read-only/i }).isVisible(), 'the "read-only editor" message');
    assert.equal(await wb.editorText(), before, 'the log document was not edited');
    await wb.screenshot('logs-document');

    // More output arrives and the open document follows it.
    writeFileSync(join(bundle.rootfs, 'root/more'), '');
    await wb.until(async () => /^log-three\s*$/m.test(await wb.editorText()), 'the new line in the open log document');
    const text = await wb.editorText();
    assert.ok(text.indexOf('log-one') < text.indexOf('log-two') && text.indexOf('log-two') < text.indexOf('log-three'), `lines in the order printed: ${text}`);
    await wb.screenshot('logs-followed');
    await wb.command('View: Close All Editors');
  } finally {
    const c = await s.daemon.client();
    try {
      await c.request('delete', { id, force: true }).catch(() => undefined);
    } finally {
      c.close();
    }
    bundle.cleanup();
  }
}
