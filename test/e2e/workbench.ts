// Driving VS Code's workbench in Chromium through playwright-core: the
// command palette, the Berth views, tree rows, context menus, the
// terminal's text and screenshots. Every step waits for a condition in the
// page, never for a fixed time.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** A fresh profile each time (playwright makes and removes a temporary one). */
export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export class Workbench {
  private shot = 0;
  constructor(
    readonly page: Page,
    private readonly artifacts: string,
  ) {
    mkdirSync(artifacts, { recursive: true });
  }

  async open(url: string, folder: string): Promise<void> {
    await this.page.goto(`${url}?folder=${encodeURIComponent(folder)}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
  }

  async screenshot(name: string): Promise<string> {
    const file = join(this.artifacts, `${String(++this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Runs a command from the palette by its title (F1, type, click the row).
   * `opens: 'quickInput'` for a command that asks through a quick input or
   * the simple file dialog: the palette's widget stays visible for it, so
   * there is no waiting for the palette to close.
   */
  async command(title: string, opts: { opens?: 'quickInput' } = {}): Promise<void> {
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    let input: Locator;
    // If the palette lost focus (and closed) before its row showed, open it again.
    for (let attempt = 1; ; attempt++) {
      input = await this.palette(title);
      try {
        await row.waitFor({ timeout: attempt >= 3 ? 20_000 : 7_000 });
        await row.click({ timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    if (opts.opens === 'quickInput') return;
    await input.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  }

  /** Opens the palette with `text` typed; returns its input. */
  async palette(text: string): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget input');
    // The palette closes when focus leaves it. Something the previous step
    // started (an editor revealed from a notification, a terminal opening)
    // can take focus just after F1, leaving the widget hidden: open it again.
    let failure: unknown = new Error(`the command palette would not stay open for ${text}`);
    for (let attempt = 1; attempt <= 4; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, force: true }).catch(() => undefined);
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ timeout: 10_000 });
        await input.fill(`>${text}`, { timeout: 5_000 });
        if ((await input.isVisible()) && (await input.inputValue()) === `>${text}`) return input;
      } catch (e) {
        failure = e;
      }
    }
    throw failure;
  }

  /** The titles the palette lists for `text`. */
  async paletteRows(text: string, atLeast: number): Promise<string[]> {
    await this.palette(text);
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await this.until(async () => (await rows.count()) >= atLeast, `at least ${atLeast} palette rows for ${text}`);
    const titles = await rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
    await this.page.keyboard.press('Escape');
    return titles;
  }

  /** Clicks a button of the notification toast whose message contains `message`. */
  async notificationButton(message: string, button: string): Promise<void> {
    const toast = this.page.locator('.notification-toast', { hasText: message }).last();
    const b = toast.locator('.monaco-button', { hasText: button });
    await this.until(() => b.isVisible(), `a notification "${message}…" with ${button}`);
    await b.click();
  }

  /** Picks a row of an open quick pick (signals, confirmations). */
  async pick(label: string): Promise<void> {
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await this.until(() => row.isVisible(), `quick pick row ${label}`, 10_000);
    await row.click();
  }

  async openBerthView(): Promise<void> {
    const entry = this.page.locator('.activitybar [aria-label^="Berth"]').first();
    await entry.waitFor({ timeout: 30_000 });
    const pane = this.page.locator('.part.sidebar .pane-header', { hasText: 'Containers' });
    if (!(await pane.isVisible())) await entry.click();
    await pane.waitFor({ timeout: 30_000 });
  }

  /** Rows of the Containers view. */
  containerRows(): Locator {
    return this.page.locator('.part.sidebar .pane', { has: this.page.locator('.pane-header', { hasText: 'Containers' }) }).locator('.monaco-list-row');
  }

  containerRow(id: string): Locator {
    return this.containerRows().filter({ hasText: id });
  }

  /** Right-click a row and choose an item of its context menu. */
  async contextMenu(row: Locator, item: string): Promise<void> {
    await row.click({ button: 'right' });
    const entry = this.page.locator('.context-view .monaco-menu .action-item', { hasText: item }).first();
    await this.until(() => entry.isVisible(), `context menu entry ${item}`, 10_000);
    // VS Code's menu ignores a mouse-up that comes too soon after it opened;
    // click until the menu closes, which is when the entry has run.
    const menu = this.page.locator('.context-view .monaco-menu');
    await this.until(async () => {
      if (await entry.isVisible()) await entry.click({ timeout: 1000 }).catch(() => undefined);
      return !(await menu.isVisible());
    }, `the context menu to run ${item}`, 10_000);
  }

  /** Rows of the Bundles view. */
  bundleRows(): Locator {
    return this.page.locator('.part.sidebar .pane', { has: this.page.locator('.pane-header', { hasText: 'Bundles' }) }).locator('.monaco-list-row');
  }

  /** The active editor tab's accessible name (its label, then ", preview" and the like). */
  async activeTab(): Promise<string> {
    return (await this.page.locator('.part.editor .tabs-container .tab.active').first().getAttribute('aria-label')) ?? '';
  }

  /** The active editor's breadcrumbs: the folders of its path within the workspace, the file, the symbol. */
  async breadcrumbs(): Promise<string[]> {
    return (await this.page.locator('.part.editor .editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item').allInnerTexts()).map((x) => x.trim());
  }

  /** The visible lines of the active editor (NBSP as space). */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first();
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Errors, warnings and infos the status bar counts for the whole workspace (from its accessible name). */
  async problemCounts(): Promise<{ errors: number; warnings: number; infos: number }> {
    const label = (await this.page.locator('[id="status.problems"]').getAttribute('aria-label')) ?? '';
    if (/^No Problems$/i.test(label.trim())) return { errors: 0, warnings: 0, infos: 0 };
    const n = (word: string) => {
      const m = new RegExp(`(\\d+)\\s*${word}|${word}:\\s*(\\d+)`, 'i').exec(label);
      if (!m) throw new Error(`no count of ${word} in the problems item's label: ${label}`);
      return Number(m[1] ?? m[2]);
    };
    return { errors: n('Errors?'), warnings: n('Warnings?'), infos: /info/i.test(label) ? n('Infos?') : 0 };
  }

  statusBarText(): Promise<string> {
    return this.page.locator('.part.statusbar').innerText();
  }

  /** The active terminal's visible text (DOM renderer; NBSP as space). */
  async terminalText(): Promise<string> {
    const active = this.page.locator('.terminal-wrapper.active .xterm-rows');
    const rows = (await active.count()) > 0 ? active.last() : this.page.locator('.terminal-wrapper .xterm-rows').last();
    if ((await rows.count()) === 0) return '';
    return (await rows.innerText()).replace(/\u00a0/g, ' ');
  }

  async typeInTerminal(text: string): Promise<void> {
    const box = this.page.locator('.terminal-wrapper .xterm-helper-textarea').last();
    await box.focus();
    await this.page.keyboard.type(text);
  }

  /** Waits until `cond` holds, checking every 100 ms, up to `timeoutMs`. */
  async until(cond: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await cond().catch(() => false)) return;
      if (Date.now() > deadline) {
        await this.screenshot(`timeout-${what.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`).catch(() => undefined);
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
