// Process attributes of the Linux config, read back from inside a busybox
// container: scheduler (stat fields 19 and 41), ioPriority (busybox ionice),
// personality (uname -m, /proc/self/personality), memoryPolicy
// (/proc/self/numa_maps), execCPUAffinity (Cpus_allowed_list) — for the
// container's process and for a process joined with `berth exec`.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeBundle } from '../fixtures/bundle';
import { runningContainer } from '../exec/helpers';
import { ensureBuilt, Runner } from '../runtime/harness';

const PROBE = [
  'echo "machine=$(uname -m)"',
  'echo "persona=$(cat /proc/self/personality)"',
  // $$ is the shell itself: fields 19 (nice) and 41 (policy) of its stat line.
  'echo "nice=$(cut -d" " -f19 /proc/$$/stat)"',
  'echo "policy=$(cut -d" " -f41 /proc/$$/stat)"',
  'echo "io=$(ionice -p $$)"',
  'echo "cpus=$(grep Cpus_allowed_list /proc/$$/status | cut -f2)"',
  'echo "numa=$(grep -m1 -o -E "(interleave|bind|prefer|default)[^ ]*" /proc/$$/numa_maps)"',
].join('; ');

function facts(out: string): Record<string, string> {
  return Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]));
}

// With one CPU there is no second CPU to pin to: the test then pins to 0 and says so.
const LAST_CPU = String(cpus().length - 1);

let r: Runner;
before(() => {
  ensureBuilt();
  r = new Runner();
});
after(() => r.cleanup());

test(`container process: SCHED_BATCH nice 5, IOPRIO_CLASS_IDLE, LINUX32, MPOL_INTERLEAVE 0, final affinity cpu ${LAST_CPU}`, (t) => {
  const b = makeBundle(['sh', '-c', PROBE], (s) => {
    s.process!.scheduler = { policy: 'SCHED_BATCH', nice: 5 };
    s.process!.ioPriority = { class: 'IOPRIO_CLASS_IDLE', priority: 0 };
    s.process!.execCPUAffinity = { initial: '0', final: LAST_CPU };
    s.linux!.personality = { domain: 'LINUX32' };
    s.linux!.memoryPolicy = { mode: 'MPOL_INTERLEAVE', nodes: '0' };
  });
  t.after(() => b.cleanup());
  const res = r.run(['run', '-b', b.dir, 'attrs']);
  assert.equal(res.status, 0, res.stderr);
  const f = facts(res.stdout);
  assert.equal(f.machine, 'i686', res.stdout);
  assert.equal(f.persona, '00000008');
  assert.equal(f.nice, '5');
  assert.equal(f.policy, '3', 'SCHED_BATCH is policy 3');
  assert.equal(f.io, 'idle');
  assert.equal(f.cpus, LAST_CPU);
  assert.equal(f.numa, 'interleave:0');
});

test('container process: IOPRIO_CLASS_BE level 3, SCHED_IDLE, MPOL_BIND 0, default personality', (t) => {
  const b = makeBundle(['sh', '-c', PROBE], (s) => {
    s.process!.scheduler = { policy: 'SCHED_IDLE' };
    s.process!.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 3 };
    s.linux!.memoryPolicy = { mode: 'MPOL_BIND', nodes: '0', flags: ['MPOL_F_STATIC_NODES'] };
  });
  t.after(() => b.cleanup());
  const res = r.run(['run', '-b', b.dir, 'attrs2']);
  assert.equal(res.status, 0, res.stderr);
  const f = facts(res.stdout);
  assert.equal(f.machine, 'x86_64');
  assert.equal(f.policy, '5', 'SCHED_IDLE is policy 5');
  assert.equal(f.io, 'best-effort: prio 3');
  assert.match(f.numa, /^bind(=static)?:0$/);
});

test('berth exec --process: ioPriority, scheduler, final affinity, and the container\'s personality and memoryPolicy apply to the joined process', (t) => {
  const c = runningContainer(t, (s) => {
    s.linux!.personality = { domain: 'LINUX32' };
    s.linux!.memoryPolicy = { mode: 'MPOL_INTERLEAVE', nodes: '0' };
  });
  const proc = join(c.root, 'process.json');
  writeFileSync(proc, JSON.stringify({
    args: ['sh', '-c', PROBE], cwd: '/', env: ['PATH=/bin'], user: { uid: 0, gid: 0 },
    scheduler: { policy: 'SCHED_BATCH', nice: 7 },
    ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 6 },
    execCPUAffinity: { initial: LAST_CPU, final: '0' },
  }));
  const res = c.berth(['exec', '--process', proc, c.id]);
  assert.equal(res.status, 0, res.stderr);
  const f = facts(res.stdout);
  assert.equal(f.nice, '7');
  assert.equal(f.policy, '3');
  assert.equal(f.io, 'best-effort: prio 6');
  assert.equal(f.cpus, '0');
  assert.equal(f.machine, 'i686', 'the container\'s personality holds for exec too');
  assert.equal(f.numa, 'interleave:0', 'and its memory policy');
});

test('SCHED_FIFO runs with a realtime budget in the cpu cgroup, and without one fails naming the field and the budget', (t) => {
  const ok = makeBundle(['sh', '-c', PROBE], (s) => {
    s.process!.scheduler = { policy: 'SCHED_FIFO', priority: 10 };
    s.linux!.resources = { cpu: { realtimeRuntime: 10000, realtimePeriod: 1000000 } };
  });
  t.after(() => ok.cleanup());
  const res = r.run(['run', '-b', ok.dir, 'fifo']);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(facts(res.stdout).policy, '1', 'SCHED_FIFO is policy 1');
  const hasRtGroups = existsSync('/sys/fs/cgroup/cpu/cpu.rt_runtime_us');
  const bad = makeBundle(['true'], (s) => (s.process!.scheduler = { policy: 'SCHED_FIFO', priority: 10 }));
  t.after(() => bad.cleanup());
  const res2 = r.run(['run', '-b', bad.dir, 'fifo2']);
  if (hasRtGroups) {
    assert.notEqual(res2.status, 0);
    assert.match(res2.stderr, /\/process\/scheduler: sched_setattr `SCHED_FIFO`: operation not permitted \(the container's cpu cgroup has no realtime budget/);
  } else {
    assert.equal(res2.status, 0, `no RT group scheduling on this host: SCHED_FIFO needs no budget (${res2.stderr})`);
  }
});
