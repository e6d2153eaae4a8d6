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
import { LspClient } from './lsp-client';

interface Case {
  code: string;
  /** Makes the base config trigger `code` (or returns raw text for parse errors). */
  bad: (s: Spec & Record<string, unknown>) => void | string;
  /** The quick fix expected for it, by title pattern; the fixed document must not have the code any more. */
  fix?: RegExp;
}

const CASES: Case[] = [
  { code: 'json/parse', bad: () => '{\n\t"ociVersion": "1.3.0",\n}' },
  { code: 'schema/required', bad: (s) => { delete (s.process as Partial<Spec['process']>)!.cwd; } },
  { code: 'schema/type', bad: (s) => { (s.process as unknown as Record<string, unknown>).terminal = 'yes'; } },
  { code: 'schema/enum', bad: (s) => { s.linux!.namespaces!.push({ type: 'tme' as 'time' }); }, fix: /Change to `time`/ },
  { code: 'schema/minimum', bad: (s) => { s.process!.user.uid = -1; } },
  { code: 'schema/maximum', bad: (s) => { s.process!.user.gid = 2 ** 32; } },
  { code: 'schema/pattern', bad: (s) => { s.linux!.resources!.hugepageLimits = [{ pageSize: '64kB', limit: 1 }]; } },
  { code: 'schema/minItems', bad: (s) => { s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] }; } },
  { code: 'spec/unknown-key', bad: (s) => { s.domainnam = 'example.org'; }, fix: /Rename to `domainname`/ },
  { code: 'spec/unknown-key', bad: (s) => { (s.process as unknown as Record<string, unknown>).zzz = { a: 1 }; }, fix: /Remove `zzz`/ },
  { code: 'spec/deprecated', bad: (s) => { s.hooks = { prestart: [{ path: '/bin/true' }] }; } },
  { code: 'spec/oci-version', bad: (s) => { s.ociVersion = '2.0.0'; }, fix: /1\.3\.0/ },
  { code: 'root/missing', bad: (s) => { s.root!.path = 'no-such-rootfs'; } },
  { code: 'root/not-directory', bad: (s) => { s.root!.path = 'rootfs/bin/busybox'; } },
  { code: 'path/not-absolute', bad: (s) => { s.process!.cwd = 'tmp'; }, fix: /Change to `\/tmp`/ },
  { code: 'process/args-missing', bad: (s) => { s.process!.args = []; } },
  { code: 'process/executable-not-found', bad: (s) => { s.process!.args = ['no-such-program']; } },
  { code: 'process/unknown-capability', bad: (s) => { s.process!.capabilities!.bounding!.push('CAP_SYS_ADMN'); }, fix: /CAP_SYS_ADMIN/ },
  { code: 'process/capability-not-permitted', bad: (s) => { s.process!.capabilities!.effective!.push('CAP_CHOWN'); }, fix: /permitted/ },
  { code: 'process/ambient-not-inheritable', bad: (s) => { s.process!.capabilities!.ambient = ['CAP_KILL']; }, fix: /inheritable/ },
  { code: 'process/unknown-rlimit', bad: (s) => { s.process!.rlimits = [{ type: 'RLIMIT_NOFLE', soft: 1, hard: 1 }]; }, fix: /RLIMIT_NOFILE/ },
  { code: 'process/duplicate-rlimit', bad: (s) => { s.process!.rlimits!.push({ type: 'RLIMIT_NOFILE', soft: 10, hard: 10 }); }, fix: /Remove/ },
  { code: 'process/rlimit-soft-above-hard', bad: (s) => { s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 2048, hard: 1024 }]; }, fix: /Lower to 1024/ },
  { code: 'linux/hostname-without-uts', bad: (s) => { s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'uts'); }, fix: /Add a `uts` namespace/ },
  { code: 'linux/mappings-without-userns', bad: (s) => { s.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]; s.linux!.gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]; }, fix: /Add a `user` namespace/ },
  { code: 'linux/time-offsets-without-timens', bad: (s) => { s.linux!.timeOffsets = { monotonic: { secs: 10 } }; }, fix: /Add a `time` namespace/ },
  { code: 'linux/duplicate-namespace', bad: (s) => { s.linux!.namespaces!.push({ type: 'pid' }); }, fix: /Remove the duplicate `pid`/ },
  { code: 'linux/userns-without-mappings', bad: (s) => { s.linux!.namespaces!.push({ type: 'user' }); } },
  { code: 'linux/uid-not-mapped', bad: (s) => { userns(s); s.process!.user.uid = 1000; } },
  { code: 'linux/gid-not-mapped', bad: (s) => { userns(s); s.process!.user.gid = 1000; } },
  { code: 'linux/sysctl-needs-namespace', bad: (s) => { s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'network'); s.linux!.sysctl = { 'net.ipv4.ip_forward': '1' }; }, fix: /Add a `network` namespace/ },
  { code: 'linux/sysctl-not-namespaced', bad: (s) => { s.linux!.sysctl = { 'vm.swappiness': '10' }; } },
  { code: 'mount/bind-without-source', bad: (s) => { s.mounts!.push({ destination: '/data', type: 'none', options: ['rbind'] }); } },
  { code: 'mount/source-missing', bad: (s) => { s.mounts!.push({ destination: '/data', type: 'bind', source: 'no-such-dir', options: ['rbind'] }); } },
  { code: 'process/oom-score-adj-range', bad: (s) => { s.process!.oomScoreAdj = 2000; }, fix: /Change to 1000/ },
  { code: 'process/console-size-without-terminal', bad: (s) => { s.process!.consoleSize = { height: 24, width: 80 }; }, fix: /Remove consoleSize/ },
  { code: 'linux/device-without-numbers', bad: (s) => { s.linux!.devices = [{ type: 'c', path: '/dev/fuse' }]; } },
  { code: 'resources/reservation-above-limit', bad: (s) => { s.linux!.resources!.memory = { limit: 100_000_000, reservation: 200_000_000 }; }, fix: /Lower to the limit/ },
  { code: 'resources/swap-below-limit', bad: (s) => { s.linux!.resources!.memory = { limit: 200_000_000, swap: 100_000_000 }; }, fix: /Raise to the limit/ },
  { code: 'seccomp/notify-without-listener', bad: (s) => { s.linux!.seccomp = { defaultAction: 'SCMP_ACT_NOTIFY' }; } },
  { code: 'seccomp/errno-without-errno-action', bad: (s) => { s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 1 }; }, fix: /Remove defaultErrnoRet/ },
  { code: 'host/unknown-filesystem', bad: (s) => { s.mounts!.push({ destination: '/x', type: 'nosuchfs', source: 'x' }); } },
  { code: 'host/unknown-syscall', bad: (s) => { s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read', 'not_a_syscall'], action: 'SCMP_ACT_ERRNO' }] }; } },
];

function userns(s: Spec): void {
  s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 1 }];
  s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 1 }];
}

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
  const raw = c.bad(spec);
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
  const covered = new Set([...CASES.map((c) => c.code), 'host/cgroup-controller-missing', 'host/unified-without-cgroup2', 'host/unknown-capability', 'host/unknown-namespace']);
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
