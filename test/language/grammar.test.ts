// The TextMate grammar tokenises a runc-style config with vscode-textmate and
// the real Oniguruma engine, as VS Code does: OCI names get their own scopes,
// keys stay JSON property names, and package.json registers it for oci-config.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';

const ROOT = resolve(__dirname, '..', '..');
const GRAMMAR = resolve(ROOT, 'syntaxes/oci-config.tmLanguage.json');

async function grammar(): Promise<IGrammar> {
  await loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer as ArrayBuffer);
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new OnigScanner(p), createOnigString: (s: string) => new OnigString(s) }),
    loadGrammar: async () => parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR),
  });
  return (await registry.loadGrammar('source.json.oci'))!;
}

/** token text → its innermost scope, over every line. */
function scopes(g: IGrammar, text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let stack = INITIAL;
  for (const line of text.split('\n')) {
    const r = g.tokenizeLine(line, stack);
    for (const t of r.tokens) out.set(line.slice(t.startIndex, t.endIndex), t.scopes);
    stack = r.ruleStack;
  }
  return out;
}

test('grammar: capability, seccomp, rlimit, signal names, namespace types and paths get OCI scopes', async () => {
  const g = await grammar();
  const doc = JSON.stringify({
    ociVersion: '1.3.0',
    process: { capabilities: { bounding: ['CAP_KILL'] }, rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1, soft: 1 }], cwd: '/' },
    annotations: { stop: 'SIGTERM' },
    linux: { namespaces: [{ type: 'network' }], seccomp: { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'] }, maskedPaths: ['/proc/kcore'] },
  }, null, '\t');
  const s = scopes(g, doc);
  const expect = (token: string, scope: string) => assert.ok(s.get(token)?.includes(scope), `${token}: ${JSON.stringify(s.get(token))}`);
  expect('CAP_KILL', 'constant.other.capability.oci');
  expect('RLIMIT_NOFILE', 'constant.other.rlimit.oci');
  expect('SIGTERM', 'constant.other.signal.oci');
  expect('network', 'entity.name.type.namespace.oci');
  expect('SCMP_ACT_ERRNO', 'constant.other.seccomp-action.oci');
  expect('SCMP_ARCH_X86_64', 'constant.other.seccomp-arch.oci');
  expect('/proc/kcore', 'string.other.path.oci');
  expect('ociVersion', 'support.type.property-name.json');
  expect('1.3.0', 'string.quoted.double.json');
  // A key spelled like a namespace type is still a key.
  assert.ok(!scopes(g, '{"user": {"uid": 0}}').get('user')?.includes('entity.name.type.namespace.oci'));
});

test('package.json registers the oci-config language, its grammar and activation', () => {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
  const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'oci-config');
  assert.ok(lang, 'no oci-config language');
  assert.ok(new RegExp(lang.firstLine).test('{"ociVersion":"1.3.0","root":{"path":"rootfs"}}'));
  assert.ok(!new RegExp(lang.firstLine).test('{"compilerOptions": {}}'));
  const gr = pkg.contributes.grammars.find((x: { language: string }) => x.language === 'oci-config');
  assert.equal(gr.scopeName, 'source.json.oci');
  assert.equal(resolve(ROOT, gr.path), GRAMMAR);
  assert.ok(pkg.activationEvents.includes('onLanguage:oci-config'));
  assert.ok(JSON.parse(readFileSync(resolve(ROOT, lang.configuration), 'utf8')).brackets);
});
