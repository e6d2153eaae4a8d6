// The features document is truthful for this host: each probe is checked
// against the host fact it stands for, the document is valid against the
// runtime-spec schema, and berthd's `features` method serves the same one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import type { FeaturesDocument } from '../../helper/runtime/features';
import { cleanupDir, startBerthd } from '../daemon/harness';
import { BERTH, ensureBuilt, ROOT_DIR } from '../runtime/harness';

let doc: FeaturesDocument;
before(() => {
  ensureBuilt();
  doc = JSON.parse(execFileSync(BERTH, ['features'], { encoding: 'utf8' }));
});

test('berth features is valid against the runtime-spec features schema', () => {
  const dir = join(ROOT_DIR, '../shared/reference/runtime-spec-schema');
  const ajv = new Ajv({ strict: false });
  for (const f of ['defs.json', 'defs-linux.json', 'features-linux.json']) ajv.addSchema(JSON.parse(readFileSync(join(dir, f), 'utf8')), f);
  const validate = ajv.compile(JSON.parse(readFileSync(join(dir, 'features-schema.json'), 'utf8')));
  assert.ok(validate(doc), JSON.stringify(validate.errors));
});

test('namespaces, capabilities and seccomp actions are the ones this kernel has', () => {
  const kernelNs = readdirSync('/proc/self/ns').filter((n) => !n.endsWith('_for_children'));
  assert.equal(doc.linux.namespaces.length, kernelNs.length, `${doc.linux.namespaces} vs ${kernelNs}`);
  const lastCap = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  assert.equal(doc.linux.capabilities.length, lastCap + 1);
  const avail = readFileSync('/proc/sys/kernel/seccomp/actions_avail', 'utf8');
  assert.equal(doc.linux.seccomp.enabled, true);
  assert.equal(doc.linux.seccomp.actions!.includes('SCMP_ACT_NOTIFY'), avail.includes('user_notif'));
  assert.equal(doc.linux.seccomp.actions!.includes('SCMP_ACT_KILL_PROCESS'), avail.includes('kill_process'));
  assert.ok(doc.linux.seccomp.archs!.includes('SCMP_ARCH_X86_64'));
  assert.ok(doc.linux.seccomp.operators!.includes('SCMP_CMP_MASKED_EQ'));
});

test('security modules, resctrl, cgroups and netDevices match the host probes', () => {
  const aa = existsSync('/sys/module/apparmor/parameters/enabled') && readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  assert.equal(doc.linux.apparmor.enabled, aa);
  assert.equal(doc.linux.selinux.enabled, existsSync('/sys/fs/selinux/enforce'));
  assert.equal(doc.linux.intelRdt.enabled, false, 'resctrl groups are not implemented');
  assert.equal(doc.mountOptions.includes('idmap'), doc.linux.mountExtensions.idmap.enabled, 'idmap listed as a mount option exactly when idmapped mounts are');
  const fstypes = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' - ')[1]?.split(' ')[0]);
  assert.equal(doc.linux.cgroup.v1, fstypes.includes('cgroup'));
  assert.equal(doc.linux.cgroup.v2, fstypes.includes('cgroup2'));
  assert.equal(doc.linux.cgroup.systemd, false);
  assert.equal(doc.linux.netDevices.enabled, existsSync('/usr/sbin/ip') || existsSync('/sbin/ip') || existsSync('/usr/bin/ip') || existsSync('/bin/ip'));
  assert.ok(doc.annotations['io.berth.memoryPolicy.modes'].includes('MPOL_INTERLEAVE'));
  assert.deepEqual(doc.potentiallyUnsafeConfigAnnotations, ['run.oci.keep_original_groups'], 'the one config annotation the init honours');
});

test('berthd answers features with the same document', async (t) => {
  const d = await startBerthd();
  const c = await d.connect().catch(async (e) => {
    await d.crash();
    throw e;
  });
  // The client first: berthd's graceful stop waits for its connections.
  t.after(async () => {
    c.close();
    await d.stop();
    await cleanupDir(d.dir);
  });
  assert.ok(c.hello.methods?.includes('features') ?? true);
  const served = await c.request('features', {});
  assert.deepEqual(served, doc);
});
