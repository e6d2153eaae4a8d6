// package.json's contributions and the extension's code agree: every
// contributed command has a handler in commands/table.ts and the other way
// round, menus only name contributed commands, views and settings exist,
// and the engine fits the VS Code of the end-to-end harness (1.139).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '../..');
interface Manifest {
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category?: string; icon?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const table = readFileSync(join(ROOT, 'extension/commands/table.ts'), 'utf8');
const sources = ['extension/main.ts', 'extension/config.ts'].map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');

test('manifest: contributed commands and the command table are the same set', () => {
  const contributed = pkg.contributes.commands.map((c) => c.command).sort();
  const handled = [...table.matchAll(/^\s+'(berth\.[\w.]+)':/gm)].map((m) => m[1]).sort();
  assert.deepEqual(handled, contributed);
  for (const c of pkg.contributes.commands) {
    assert.equal(c.category, 'Berth', `${c.command} has the Berth category`);
    assert.match(c.icon ?? '', /^\$\([\w-]+\)$/, `${c.command} has a codicon`);
  }
});

test('manifest: menus name only contributed commands (or views\' built-in focus commands)', () => {
  const known = new Set(pkg.contributes.commands.map((c) => c.command));
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) for (const i of items) assert.ok(known.has(i.command), `${menu} names unknown ${i.command}`);
  const views = Object.values(pkg.contributes.views).flat().map((v) => v.id);
  assert.deepEqual(views, ['berth.containers', 'berth.bundles']);
  for (const w of pkg.contributes.viewsWelcome) assert.ok(views.includes(w.view));
  for (const id of views) assert.ok(pkg.activationEvents.includes(`onView:${id}`), `activates on the ${id} view`);
});

test('manifest: every setting the code reads is contributed', () => {
  const read = [...sources.matchAll(/c\.get<[^>]+>\('([\w.]+)'\)/g)].map((m) => `berth.${m[1]}`);
  assert.ok(read.length >= 6, `settings read: ${read}`);
  for (const k of read) assert.ok(k in pkg.contributes.configuration.properties, `${k} is read but not contributed`);
});

test('manifest: engine within code-server 4.139.1 (VS Code 1.139) and @types/vscode pinned to it', () => {
  const m = /^\^1\.(\d+)\.\d+$/.exec(pkg.engines.vscode);
  assert.ok(m && Number(m[1]) <= 139, `engines.vscode ${pkg.engines.vscode}`);
  const types = /^(\d+)\.(\d+)\.\d+$/.exec(pkg.devDependencies['@types/vscode']);
  assert.ok(types, `@types/vscode pinned to an exact version, not a range: ${pkg.devDependencies['@types/vscode']}`);
  assert.ok(Number(types[2]) <= Number(m![1]), `@types/vscode ${pkg.devDependencies['@types/vscode']} is not newer than the engine`);
});
