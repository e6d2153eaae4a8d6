// Completion, hover, links, outline, formatting and berth/pointerToRange,
// driven over stdio with a real LSP client against a real busybox bundle;
// and the esbuild bundle of the server answering the same way.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { CompletionItem, Position } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { LspClient } from './lsp-client';

let client: LspClient;
let bundle: Bundle;
let uri: string;
let text: string;

before(async () => {
  bundle = makeBundle(['sh']);
  bundle.spec.hooks = { createRuntime: [{ path: '/bin/true' }] };
  bundle.spec.mounts!.push({ destination: '/data', type: 'bind', source: 'rootfs/etc', options: ['rbind', 'ro'] });
  bundle.spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO' }] };
  text = JSON.stringify(bundle.spec, null, '\t');
  writeFileSync(join(bundle.dir, 'config.json'), text);
  uri = pathToFileURL(join(bundle.dir, 'config.json')).toString();
  client = await LspClient.start();
  await client.open(uri, text);
});

after(async () => {
  await client?.close();
  bundle?.cleanup();
});

/** Position of the n-th occurrence of `needle` plus `delta` characters. */
function at(doc: string, needle: string, delta = 0, nth = 0): Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = doc.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} not in document`);
  return TextDocument.create('x', 'json', 0, doc).positionAt(i + delta);
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

test('completion: missing keys of process with descriptions and value snippets', async () => {
  const doc = text.replace('"terminal": false,', '"terminal": false,\n\t\t"",');
  await client.change(uri, doc);
  const items = await client.completion(uri, at(doc, '"",', 1));
  assert.ok(labels(items).includes('noNewPrivileges') === false, 'present keys are not offered');
  const oom = items.find((i) => i.label === 'oomScoreAdj');
  assert.ok(oom, JSON.stringify(labels(items)));
  assert.match(JSON.stringify(oom.documentation), /oom_score_adj/);
  const sched = items.find((i) => i.label === 'scheduler')!;
  assert.equal(sched.insertTextFormat, 2);
  assert.match(sched.textEdit ? (sched.textEdit as { newText: string }).newText : sched.insertText!, /"scheduler": \{\$1\}/);
  const apparmor = items.find((i) => i.label === 'ioPriority');
  assert.ok(apparmor);
});

test('completion: capability names with what they grant, namespace types, mount options, syscall names', async () => {
  const doc = text.replace('"CAP_KILL",', '"CAP_KILL",\n\t\t\t\t"",').replace('"type": "pid"', '"type": ""').replace('"rbind",', '"rbind", "",').replace('"read"', '"re"');
  await client.change(uri, doc);
  const caps = await client.completion(uri, at(doc, '"",', 1));
  const admin = caps.find((i) => i.label === 'CAP_SYS_ADMIN');
  assert.ok(admin, JSON.stringify(labels(caps).slice(0, 5)));
  assert.match(String(admin.detail), /mount/);
  const ns = await client.completion(uri, at(doc, '"type": ""', 9));
  assert.deepEqual(labels(ns).sort(), ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts']);
  const opts = await client.completion(uri, at(doc, '"rbind", "",', 10));
  assert.ok(labels(opts).includes('nosuid') && labels(opts).includes('noexec'));
  const sys = await client.completion(uri, at(doc, '"re"', 2));
  assert.ok(labels(sys).includes('openat') && labels(sys).includes('clone3'), `syscalls from libseccomp: ${labels(sys).length}`);
});

test('completion: block snippets for mounts, namespaces, resources and seccomp', async () => {
  const doc = text.replace('"mounts": [', '"mounts": [\n\t\t,').replace('"namespaces": [', '"namespaces": [\n\t\t\t,');
  await client.change(uri, doc);
  const m = await client.completion(uri, at(doc, '"mounts": [\n\t\t', 14));
  assert.ok(labels(m).includes('bind mount') && labels(m).includes('tmpfs mount'), JSON.stringify(labels(m)));
  const n = await client.completion(uri, at(doc, '"namespaces": [\n\t\t\t', 19));
  assert.ok(labels(n).includes('network namespace'), JSON.stringify(labels(n)));
  const doc2 = text.replace('"resources": {', '"resources": {\n\t\t\t"",').replace('"linux": {', '"linux": {\n\t\t"",');
  await client.change(uri, doc2);
  const r = await client.completion(uri, at(doc2, '"resources": {\n\t\t\t"', 19));
  assert.ok(labels(r).includes('memory limit') && labels(r).includes('pids limit'), JSON.stringify(labels(r)));
  const l = await client.completion(uri, at(doc2, '"linux": {\n\t\t"', 13));
  const sc = l.find((i) => i.label === 'seccomp profile');
  assert.ok(sc);
  await client.change(uri, text);
});

test('hover: a key shows its description and spec link; a capability shows what it grants', async () => {
  const h = await client.hover(uri, at(text, '"noNewPrivileges"', 3));
  const v = JSON.stringify(h?.contents);
  assert.match(v, /no_new_privs/);
  assert.match(v, /runtime-spec\/blob\/v1\.3\.0\/config\.md#process/);
  const cap = await client.hover(uri, at(text, '"CAP_KILL"', 3));
  assert.match(JSON.stringify(cap?.contents), /send signals to processes of other users/);
  const opt = await client.hover(uri, at(text, '"nosuid"', 3));
  assert.match(JSON.stringify(opt?.contents), /set-user-ID/);
  const size = await client.hover(uri, at(text, '"size=65536k"', 3));
  assert.match(JSON.stringify(size?.contents), /tmpfs: maximum size/);
  const ns = await client.hover(uri, at(text, '"network"', 3));
  assert.match(JSON.stringify(ns?.contents), /interfaces, routes/);
});

test('document links: root.path, hook path, and a mount source inside the bundle', async () => {
  const links = await client.links(uri);
  const targets = links.map((l) => l.target);
  assert.ok(targets.includes(pathToFileURL(bundle.rootfs).toString()), JSON.stringify(targets));
  assert.ok(targets.includes(pathToFileURL('/bin/true').toString()));
  assert.ok(targets.includes(pathToFileURL(join(bundle.dir, 'rootfs/etc')).toString()));
  assert.ok(!targets.some((t) => t?.endsWith('/proc')), 'pseudo-filesystem sources are not links');
});

test('document symbols: an outline with mounts named by destination and namespaces by type', async () => {
  const syms = await client.symbols(uri);
  assert.deepEqual(syms.map((s) => s.name), ['ociVersion', 'process', 'root', 'hostname', 'mounts', 'linux', 'hooks']);
  const mounts = syms.find((s) => s.name === 'mounts')!;
  assert.ok(mounts.children!.some((c) => c.name === '/proc'));
  const ns = syms.find((s) => s.name === 'linux')!.children!.find((c) => c.name === 'namespaces')!;
  assert.deepEqual(ns.children!.map((c) => c.name), ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup']);
});

test('formatting keeps tabs for a tab-indented file and spaces for a space-indented one', async () => {
  const messy = text.replace('"ociVersion": "1.3.0",', '"ociVersion":   "1.3.0"  ,');
  await client.change(uri, messy);
  const edits = await client.format(uri, { tabSize: 2, insertSpaces: true });
  const out = TextDocument.applyEdits(TextDocument.create(uri, 'oci-config', 0, messy), edits);
  assert.equal(out, text, 'formatting a tab-indented file must give the tab-indented original back');
  const spaced = JSON.stringify(bundle.spec, null, 4).replace('"ociVersion": "1.3.0",', '"ociVersion":"1.3.0",');
  await client.change(uri, spaced);
  const out2 = TextDocument.applyEdits(TextDocument.create(uri, 'oci-config', 0, spaced), await client.format(uri, { tabSize: 2, insertSpaces: false }));
  assert.equal(out2, JSON.stringify(bundle.spec, null, 4));
  await client.change(uri, text);
});

test('berth/pointerToRange: a runtime pointer lands on its value, in open and unopened files', async () => {
  const r = await client.pointerToRange(uri, '/process/args/0');
  assert.deepEqual(r?.start, at(text, '"sh"'));
  const missing = await client.pointerToRange(uri, '/linux/resources/memory/limit');
  assert.deepEqual(missing?.start, at(text, '"resources"'), 'the deepest existing ancestor, by its key');
  const dir = mkdtempSync(join(tmpdir(), 'berth-ptr-'));
  try {
    const onDisk = '{\n  "ociVersion": "1.3.0",\n  "process": {"cwd": "/", "args": ["x", "y"]}\n}\n';
    writeFileSync(join(dir, 'config.json'), onDisk);
    const r2 = await client.pointerToRange(pathToFileURL(join(dir, 'config.json')).toString(), '/process/args/1');
    assert.deepEqual(r2, { start: { line: 2, character: 40 }, end: { line: 2, character: 43 } });
    assert.equal(await client.pointerToRange(pathToFileURL(join(dir, 'none.json')).toString(), '/x'), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('incremental edits (what an editor sends per keystroke) are applied and re-validated', async () => {
  await client.change(uri, text);
  const start = at(text, '"cwd": "/"', 8);
  // Typing a relative cwd, one character at a time, then fixing it.
  const first = await client.edit(uri, { start, end: { line: start.line, character: start.character + 1 } }, 'b');
  assert.deepEqual(first.map((x) => x.code), ['path/not-absolute']);
  let d = await client.edit(uri, { start: { line: start.line, character: start.character + 1 }, end: { line: start.line, character: start.character + 1 } }, 'in');
  assert.ok(client.text(uri).includes('"cwd": "bin"'));
  assert.deepEqual(d.map((x) => x.code), ['path/not-absolute']);
  d = await client.edit(uri, { start, end: start }, '/');
  assert.deepEqual(d, []);
  await client.change(uri, text);
});

test('the esbuild bundle of the server (built like dist/server.js by esbuild.mjs) speaks LSP over --stdio', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-server-'));
  const outfile = join(dir, 'server.js');
  let built: LspClient | undefined;
  try {
    await build({ entryPoints: [resolve(__dirname, '../../extension/server/main.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], external: ['koffi'], logLevel: 'warning', nodePaths: [resolve(__dirname, '../../node_modules')] });
    built = await LspClient.start({ serverPath: outfile });
    const spec = structuredClone(bundle.spec) as unknown as Record<string, unknown>;
    spec.hostnme = 'x';
    const d = await built.open(uri, JSON.stringify(spec, null, '\t'));
    assert.deepEqual(d.map((x) => x.code), ['spec/unknown-key']);
  } finally {
    await built?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
