// Drives the language server over stdio with a real LSP client: for every
// diagnostic code, a config that triggers it and one that does not; for every
// quick fix, the edit applied and the document re-validated. The bundle is a
// real busybox bundle, so the rootfs checks look at real files, and the host
// checks read this kernel's /proc.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { hostFacts } from '../../helper/spec/host/facts';
import { RULES } from '../../helper/spec/rules';
import type { Spec } from '../../helper/spec/types';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { CASES, type Case } from './cases';
import { LspClient } from './lsp-client';

// The cgroup cases depend on what this host mounts: pick a controller it lacks.
const facts = hostFacts();
const missingController = ([['network', 'net_cls'], ['hugepageLimits', 'hugetlb'], ['rdma', 'rdma']] as const)
  .find(([, ctl]) => facts.cgroupMode === 'v1' && !facts.cgroupControllers.has(ctl));

let client: LspClient;
let bundle: Bundle;
let uri: string;
let base: string;

before(async () => {
  bundle = makeBundle(['sh', '-c', 'true']);
  uri = pathToFileURL(`${bundle.dir}/config.json`).toString();
  base = JSON.stringify(bundle.spec, null, '\t');
  client = await LspClient.start({ host: true });
});

after(async () => {
  await client?.close();
  bundle?.cleanup();
});

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code));

test('the base busybox bundle config has no diagnostics at all', async () => {
  const d = await client.open(uri, base);
  assert.deepEqual(d.map((x) => `${x.code}: ${x.message}`), []);
});

test('every diagnostic has source "berth" and a code', async () => {
  const spec = structuredClone(bundle.spec) as Spec & Record<string, unknown>;
  spec.hostnme = 'x';
  spec.process!.cwd = 'x';
  const d = await client.change(uri, JSON.stringify(spec, null, '\t'));
  assert.ok(d.length >= 2);
  for (const x of d) { assert.equal(x.source, 'berth'); assert.ok(x.code); }
});

async function runCase(c: Case): Promise<void> {
  const spec = structuredClone(bundle.spec) as Spec & Record<string, unknown>;
  const raw = c.bad(spec, bundle.dir);
  const text = typeof raw === 'string' ? raw : JSON.stringify(spec, null, '\t');
  const d = await client.change(uri, text);
  const hit = d.filter((x) => x.code === c.code);
  assert.ok(hit.length > 0, `${c.code} not reported; got ${JSON.stringify(codes(d))}`);
  assert.equal(hit[0].source, 'berth');
  assert.match(hit[0].message, /^[a-z`A-Z]/);
  assert.doesNotMatch(hit[0].message, /\.$/, 'messages end without a period');
  // The range is on the offending text: never the whole document.
  assert.ok(hit[0].range.end.line - hit[0].range.start.line <= 1, `${c.code} range spans ${JSON.stringify(hit[0].range)}`);
  if (c.fix) {
    const actions = await client.codeActions(uri, [hit[0]]);
    const action = actions.find((a) => c.fix!.test(a.title));
    assert.ok(action, `no quick fix matching ${c.fix} for ${c.code}; got ${JSON.stringify(actions.map((a) => a.title))}`);
    const after = await client.apply(uri, action);
    assert.ok(!after.some((x) => x.code === c.code), `${c.code} still reported after "${action.title}": ${JSON.stringify(after.map((x) => x.message))}`);
    assert.ok(!after.some((x) => x.code === 'json/parse'), 'the fix left broken JSON');
  }
  const back = await client.change(uri, base);
  assert.ok(!back.some((x) => x.code === c.code), `${c.code} reported for the base config`);
}

for (const c of CASES) {
  test(`${c.code}: reported for a failing config${c.fix ? `, quick fix ${c.fix} applied and re-validated` : ''}, absent for the base config`, () => runCase(c));
}

test('host/cgroup-controller-missing: resources for a controller this host does not mount', async (t) => {
  if (!missingController) return t.skip(`every candidate controller (net_cls, hugetlb, rdma) is available on this ${facts.cgroupMode} host: no failing case here`);
  const [key] = missingController;
  await runCase({ code: 'host/cgroup-controller-missing', bad: (s) => {
    const r = s.linux!.resources as Record<string, unknown>;
    r[key] = key === 'network' ? { classID: 1 } : key === 'hugepageLimits' ? [{ pageSize: '2MB', limit: 0 }] : { mlx5_0: { hcaHandles: 1 } };
  } });
});

test('host/unified-without-cgroup2: linux.resources.unified on a cgroup v1 host', async (t) => {
  if (facts.cgroupMode !== 'v1') return t.skip('this host mounts cgroup v2 at /sys/fs/cgroup: unified is valid here');
  await runCase({ code: 'host/unified-without-cgroup2', bad: (s) => { s.linux!.resources!.unified = { 'memory.high': '1G' }; } });
});

test('every code a rule can report has a case above', () => {
  const covered = new Set([...CASES.map((c) => c.code), 'host/cgroup-controller-missing', 'host/unified-without-cgroup2', 'host/unknown-capability', 'host/unknown-namespace',
    ...HOST_DEPENDENT.map((c) => c.code)]);
  const missing = RULES.flatMap((r) => r.codes).filter((c) => !covered.has(c));
  assert.deepEqual(missing, []);
});

test('host checks the diagnostics test cannot fail on this kernel (it knows every capability and namespace) use the facts of an older kernel', async () => {
  const { validateConfig } = await import('../../helper/spec/validate');
  const old = { ...facts, lastCap: 37, namespaces: new Set(['mount', 'pid', 'network', 'uts', 'ipc', 'user', 'cgroup']) };
  const spec = structuredClone(bundle.spec);
  spec.process!.capabilities!.bounding!.push('CAP_BPF');
  spec.linux!.namespaces!.push({ type: 'time' });
  const found = validateConfig(spec, { host: old }).map((f) => f.code);
  assert.ok(found.includes('host/unknown-capability'), JSON.stringify(found));
  assert.ok(found.includes('host/unknown-namespace'), JSON.stringify(found));
  const now = validateConfig(spec, { host: true }).map((f) => f.code);
  assert.ok(!now.includes('host/unknown-capability') && !now.includes('host/unknown-namespace'), JSON.stringify(now));
});

/** Codes whose firing depends on what this host has (a security module, NUMA, resctrl): checked with made-up facts both ways. */
const HOST_DEPENDENT: { code: string; bad: (s: Spec) => void; without: Partial<typeof facts>; with: Partial<typeof facts> }[] = [
  { code: 'host/apparmor', bad: (s) => { s.process!.apparmorProfile = 'berth-test'; }, without: { apparmor: false }, with: { apparmor: true } },
  { code: 'host/selinux', bad: (s) => { s.process!.selinuxLabel = 'system_u:system_r:container_t:s0'; }, without: { selinux: false }, with: { selinux: true } },
  { code: 'host/resctrl', bad: (s) => { s.linux!.intelRdt = { closID: 'x' }; }, without: { resctrl: false }, with: { resctrl: true } },
  { code: 'runtime/unsupported', bad: (s) => { s.linux!.mountLabel = 'system_u:object_r:container_file_t:s0'; }, without: { selinux: true }, with: { selinux: false } },
  { code: 'host/time-namespace', bad: (s) => { s.linux!.namespaces!.push({ type: 'time' }); }, without: { timeNsAtExec: () => false }, with: { timeNsAtExec: () => true } },
  { code: 'host/idmap', bad: (s) => { s.mounts!.push({ destination: '/data', type: 'bind', source: '/tmp', options: ['bind', 'idmap'] }); }, without: { idmapMounts: false }, with: { idmapMounts: true } },
  { code: 'host/memory-policy', bad: (s) => { s.linux!.memoryPolicy = { mode: 'MPOL_BIND', nodes: '1' }; }, without: { nodesOnline: '0' }, with: { nodesOnline: '0-1' } },
];

for (const h of HOST_DEPENDENT) {
  test(`${h.code}: reported with the facts of a host that lacks it, not with those of one that has it`, async () => {
    const { validateConfig } = await import('../../helper/spec/validate');
    const spec = structuredClone(bundle.spec);
    h.bad(spec);
    const on = (more: Partial<typeof facts>) => validateConfig(spec, { host: { ...facts, ...more } }).map((f) => f.code);
    assert.ok(on(h.without).includes(h.code), JSON.stringify(on(h.without)));
    assert.ok(!on(h.with).includes(h.code), JSON.stringify(on(h.with)));
  });
}
