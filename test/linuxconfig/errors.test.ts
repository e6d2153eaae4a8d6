// Linux config fields this host cannot honour are refused by `create` with
// the field's JSON pointer and the reason, before anything exists: no state
// directory, no cgroup, no init process left behind. The security-module and
// resctrl cases depend on the host; each test's name says what it expects here.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { apparmorEnabled, selinuxEnabled } from '../../helper/linux/lsm';
import { resctrlMount } from '../../helper/linux/resctrl';
import type { Spec } from '../../helper/spec/types';
import { makeBundle } from '../fixtures/bundle';
import { ensureBuilt, pidsHolding, Runner } from '../runtime/harness';

let r: Runner;
before(() => {
  ensureBuilt();
  r = new Runner();
});
after(() => r.cleanup());

function refused(name: string, edit: (s: Spec) => void, pointer: string, reason: RegExp): void {
  const b = makeBundle(['true'], edit);
  try {
    const res = r.run(['create', '-b', b.dir, name]);
    assert.notEqual(res.status, 0, `create ${name} should fail`);
    assert.ok(res.stderr.includes(pointer), `stderr names ${pointer}: ${res.stderr}`);
    assert.match(res.stderr, reason);
    assert.deepEqual(readdirSync(r.root).filter((d) => d !== '.locks'), [], 'no state directory left');
    assert.deepEqual(pidsHolding(r.stdoutPath), [], 'no init process left');
    for (const ctrl of ['memory', 'pids', 'cpu']) {
      assert.equal(existsSync(`/sys/fs/cgroup/${ctrl}/${r.id(name)}`), false, `no ${ctrl} cgroup left`);
    }
  } finally {
    b.cleanup();
  }
}

test(apparmorEnabled() ? 'apparmorProfile: AppArmor is enabled on this host, so the refusal case cannot be shown' : 'apparmorProfile is refused: AppArmor is not enabled on this host', { skip: apparmorEnabled() }, () => {
  refused('aa', (s) => (s.process!.apparmorProfile = 'berth-test'), '/process/apparmorProfile', /AppArmor is not enabled/);
});

test(selinuxEnabled() ? 'selinuxLabel: SELinux is enabled on this host, so the refusal case cannot be shown' : 'selinuxLabel and mountLabel are refused: SELinux is not enabled on this host', { skip: selinuxEnabled() }, () => {
  refused('se', (s) => (s.process!.selinuxLabel = 'system_u:system_r:container_t:s0'), '/process/selinuxLabel', /SELinux is not enabled/);
  refused('ml', (s) => (s.linux!.mountLabel = 'system_u:object_r:container_file_t:s0'), '/linux/mountLabel', /SELinux is not enabled/);
});

test(resctrlMount() ? 'intelRdt is refused: berth does not implement resctrl groups yet' : 'intelRdt is refused: resctrl is not mounted on this host', () => {
  refused('rdt', (s) => (s.linux!.intelRdt = { closID: 'berth' }), '/linux/intelRdt', resctrlMount() ? /not supported by berth yet/ : /resctrl is not mounted/);
});

test('values the kernel would refuse late are refused up front with their field', () => {
  refused('cpu', (s) => (s.process!.execCPUAffinity = { final: '1000' }), '/process/execCPUAffinity/final', /cpu 1000 is not online/);
  refused('cpu2', (s) => (s.process!.execCPUAffinity = { initial: '3-1' }), '/process/execCPUAffinity/initial', /ends before it starts/);
  refused('pers', (s) => (s.linux!.personality = { domain: 'LINUX', flags: ['ADDR_NO_RANDOMIZE'] }), '/linux/personality/flags', /flags are not supported/);
  refused('mpol', (s) => (s.linux!.memoryPolicy = { mode: 'MPOL_BIND' }), '/linux/memoryPolicy/nodes', /MPOL_BIND needs nodes/);
  refused('mpol2', (s) => (s.linux!.memoryPolicy = { mode: 'MPOL_INTERLEAVE', nodes: '63' }), '/linux/memoryPolicy/nodes', /numa node 63 is not online/);
  refused('fifo', (s) => (s.process!.scheduler = { policy: 'SCHED_FIFO' }), '/process/scheduler/priority', /needs a priority from 1 to 99/);
  refused('io', (s) => (s.process!.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 9 }), '/process/ioPriority/priority', /out of range 0\.\.7/);
});
