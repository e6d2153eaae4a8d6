// One set of findings: every config fixture goes through the language
// server's diagnostics and through `berth create`'s checking, which must give
// the same codes, severities and pointers. Fixtures: the busybox bundle's
// base config and one config per diagnostic code (cases.ts), what `runc spec`
// and `crun spec [--rootless]` write, and the runtime-spec schema's own test
// documents from ../shared/reference (read here, never copied). Each is
// checked as the config.json of a real busybox bundle, so the rules that
// look at the rootfs run too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnose } from '../../extension/server/diagnostics';
import { configFindings } from '../../helper/runtime/config';
import { defaultSpec } from '../../helper/spec/default';
import type { Spec } from '../../helper/spec/types';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { CASES } from './cases';
import { FIXTURES_DIR, referenceMissing } from './reference';

const SEVERITY: Record<number, string> = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning', [DiagnosticSeverity.Information]: 'info' };

let bundle: Bundle;
/** The server caches a document's parse per version, as an editor's edits bump it. */
let version = 0;
before(() => { bundle = makeBundle(['sh', '-c', 'true']); });
after(() => bundle?.cleanup());

/** `code severity pointer` of each finding, sorted: from the editor's diagnostics and from create's checking of the same config.json. */
function both(text: string): { editor: string[]; create: string[] } {
  const path = join(bundle.dir, 'config.json');
  writeFileSync(path, text);
  const doc = TextDocument.create(pathToFileURL(path).toString(), 'oci-config', ++version, text);
  const editor = diagnose(doc, { host: true }).map((d) => `${String(d.code)} ${SEVERITY[d.severity!]} ${(d.data as { pointer: string }).pointer}`);
  const create = configFindings(JSON.parse(text), bundle.dir).map((f) => `${f.code} ${f.severity} ${f.pointer}`);
  return { editor: editor.sort(), create: create.sort() };
}

function assertSame(name: string, text: string): void {
  const { editor, create } = both(text);
  assert.deepEqual(editor, create, `${name}: the editor and berth create disagree`);
}

test('the base busybox config and one config per diagnostic code: the same findings in the editor and at create', () => {
  const base = JSON.stringify(bundle.spec, null, '\t');
  assertSame('base', base);
  let compared = 0;
  for (const c of CASES) {
    const spec = structuredClone(bundle.spec) as Spec & Record<string, unknown>;
    const raw = c.bad(spec, bundle.dir);
    if (typeof raw === 'string') continue; // not JSON: create refuses to parse it, the editor shows json/parse
    const { editor, create } = both(JSON.stringify(spec, null, '\t'));
    assert.deepEqual(editor, create, `${c.code}: the editor and berth create disagree`);
    assert.ok(create.some((l) => l.startsWith(`${c.code} `)), `${c.code}: the case does not trigger it at create: ${JSON.stringify(create)}`);
    compared++;
  }
  assert.ok(compared >= CASES.length - 1);
  assertSame('defaultSpec', JSON.stringify(defaultSpec(), null, '\t'));
});

test('what runc spec and crun spec write: the same findings in the editor and at create (and ambient caps are warnings)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-parity-spec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const outputs: [string, string, string[]][] = [['runc', 'runc', ['spec']], ['runc --rootless', 'runc', ['spec', '--rootless']], ['crun', 'crun', ['spec']], ['crun --rootless', 'crun', ['spec', '--rootless']]];
  for (const [name, bin, args] of outputs) {
    rmSync(join(dir, 'config.json'), { force: true });
    try {
      execFileSync(bin, args, { cwd: dir, stdio: 'ignore' });
    } catch {
      t.diagnostic(`${name} is not installed: skipped`);
      continue;
    }
    const text = readFileSync(join(dir, 'config.json'), 'utf8');
    assertSame(name, text);
    const ambient = both(text).create.filter((l) => l.startsWith('process/ambient-not-inheritable '));
    assert.ok(ambient.length === 3 && ambient.every((l) => l.includes(' warning ')), `${name}: ${JSON.stringify(ambient)}`);
  }
});

test('the runtime-spec schema\'s own test documents: the same findings in the editor and at create', (t) => {
  const missing = referenceMissing();
  if (missing) return t.skip(missing);
  let n = 0;
  for (const kind of ['good', 'bad']) {
    for (const f of readdirSync(join(FIXTURES_DIR, kind)).filter((x) => x.endsWith('.json')).sort()) {
      const text = readFileSync(join(FIXTURES_DIR, kind, f), 'utf8');
      try {
        JSON.parse(text);
      } catch {
        continue; // bad/invalid-json.json: create refuses to parse it, the editor shows json/parse
      }
      assertSame(`${kind}/${f}`, text);
      n++;
    }
  }
  assert.ok(n >= 10, `only ${n} reference fixtures read`);
});
