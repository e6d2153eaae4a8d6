// The exec escape (issue 15): a container process holding CAP_SYS_PTRACE
// watches /proc for any process that `berth exec` makes visible to it, and
// tries what runc's CVE-2016-9962 and CVE-2019-5736 did: read the host's
// filesystem through /proc/<pid>/root, and hold /proc/<pid>/exe to reopen
// the runtime's node for writing once nothing runs it. Every berth call here
// runs on a private copy of node, so a successful attack damages only that.
// Also: a stage that reports a pid that is not its own child (finding 2) is
// refused, and the process it names is left alone.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Spec } from '../../helper/spec/types';
import { makeBundle } from '../fixtures/bundle';
import { BERTH, runningContainer } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Every few ms, for each visible pid: the host marker through its root; the
 * exe of any process not running busybox (a berth stage) is logged and the
 * first one held as fd 3; at the end a write through the held fd, as
 * CVE-2019-5736 did once nothing ran that binary.
 */
const WATCHER = (marker: string) => `
while [ ! -e /tmp/stop ]; do
  for p in /proc/[0-9]*; do
    [ "$p" = "/proc/$$" ] && continue
    cat "$p/root${marker}" >> /tmp/leak 2>/dev/null
    e=$(readlink "$p/exe" 2>/dev/null) || continue
    case "$e" in /bin/busybox) ;; *) echo "$p $e" >> /tmp/exe; [ -e /tmp/held ] || { exec 3< "$p/exe" && touch /tmp/held; } ;; esac
  done
done
[ -e /tmp/held ] && { echo PWNED >> /proc/self/fd/3 && echo wrote > /tmp/wrote; } 2>>/tmp/write-error
touch /tmp/done
sleep 1000
`;

/** The attacker: WATCHER as its process, a writable rootfs, and CAP_SYS_PTRACE (a common --cap-add for debuggers). */
function asWatcher(s: Spec, marker: string): void {
  s.root!.readonly = false;
  s.process!.args = ['sh', '-c', WATCHER(marker)];
  const caps = s.process!.capabilities!;
  for (const set of ['bounding', 'effective', 'permitted'] as const) caps[set] = [...(caps[set] ?? []), 'CAP_SYS_PTRACE'];
}

async function attack(t: TestContext, userns: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-escape-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const node = join(dir, 'node');
  copyFileSync(process.execPath, node);
  chmodSync(node, 0o755);
  const before = createHash('sha256').update(readFileSync(node)).digest('hex');
  const marker = join(dir, 'host-secret');
  writeFileSync(marker, 'HOST-ONLY\n');
  const c = runningContainer(t, (s) => {
    asWatcher(s, marker);
    if (userns) {
      // Identity-mapped, so the rootfs needs no chown: CAP_SYS_PTRACE then counts in the container's own user namespace.
      s.linux!.namespaces!.push({ type: 'user' });
      s.linux!.uidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
    }
  });
  const rootfs = `/proc/${c.pid}/root`;
  const berth = (args: string[]) => spawnSync(node, [BERTH, '--root', c.root, ...args], { encoding: 'utf8', timeout: 30000 });
  for (let i = 0; i < 15; i++) {
    const r = berth(['exec', c.id, '/bin/true']);
    assert.equal(r.status, 0, r.stderr);
  }
  // A detached exec and one with a terminal-less shell too: each path forks its own way.
  const d = berth(['exec', '--detach', c.id, 'sleep', '0.1']);
  assert.equal(d.status, 0, d.stderr);
  writeFileSync(join(rootfs, 'tmp/stop'), '');
  for (let i = 0; i < 100 && !existsSync(join(rootfs, 'tmp/done')); i++) await sleep(50);
  assert.ok(existsSync(join(rootfs, 'tmp/done')), 'the watcher did not finish');
  const read = (f: string) => (existsSync(join(rootfs, f)) ? readFileSync(join(rootfs, f), 'utf8') : '');
  assert.equal(read('tmp/leak'), '', 'the host file was read through /proc/<pid>/root of a berth process');
  assert.equal(read('tmp/wrote'), '', `the exe of a berth process (${read('tmp/exe').split('\n')[0]}) was reopened for writing`);
  assert.equal(createHash('sha256').update(readFileSync(node)).digest('hex'), before, 'node was rewritten from inside the container');
}

test('exec: a container with CAP_SYS_PTRACE sees no berth process it could enter the host through', (t) => attack(t, false));
test('exec: the same with a user namespace (CAP_SYS_PTRACE in the container\'s own)', (t) => attack(t, true));

test('create joining a pid namespace by path: node never boots where the other container can see it; the container runs there', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-joinpid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const marker = join(dir, 'host-secret');
  writeFileSync(marker, 'HOST-ONLY\n');
  const a = runningContainer(t, (s) => asWatcher(s, marker));
  const bundle = makeBundle(['sh', '-c', 'echo $$ > /tmp/mypid; sleep 1000'], (s) => {
    s.root!.readonly = false;
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'pid' ? { type: 'pid', path: `/proc/${a.pid}/ns/pid` } : n));
  });
  t.after(() => bundle.cleanup());
  for (let i = 0; i < 6; i++) {
    const id = `${a.id}-b${i}`;
    t.after(() => a.berth(['delete', '--force', id]));
    const log = join(dir, `create-${i}.log`);
    const fd = openSync(log, 'w');
    const c = a.berth(['create', '--bundle', bundle.dir, id], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    assert.equal(c.status, 0, readFileSync(log, 'utf8'));
    const pid = JSON.parse(a.berth(['state', id]).stdout).pid as number;
    assert.equal(readlinkSync(`/proc/${pid}/ns/pid`), readlinkSync(`/proc/${a.pid}/ns/pid`), 'the init is not in the joined pid namespace');
    const st = a.berth(['start', id]);
    assert.equal(st.status, 0, st.stderr);
    // Its own pid as the shared namespace sees it: a proc mount of that namespace, not the host's.
    const mypid = `/proc/${pid}/root/tmp/mypid`;
    const text = () => (existsSync(mypid) ? readFileSync(mypid, 'utf8') : '');
    for (let k = 0; k < 100 && !text().endsWith('\n'); k++) await sleep(20);
    const inner = Number(text());
    assert.ok(inner > 1 && inner !== pid, `pid inside ${inner}, host pid ${pid}`);
    const k = a.berth(['kill', id, 'KILL']);
    assert.equal(k.status, 0, k.stderr);
    for (let w = 0; w < 100 && JSON.parse(a.berth(['state', id]).stdout).status !== 'stopped'; w++) await sleep(20);
    assert.equal(JSON.parse(a.berth(['state', id]).stdout).status, 'stopped');
    const d = a.berth(['delete', id]);
    assert.equal(d.status, 0, d.stderr);
  }
  const rootfs = `/proc/${a.pid}/root`;
  writeFileSync(join(rootfs, 'tmp/stop'), '');
  for (let i = 0; i < 100 && !existsSync(join(rootfs, 'tmp/done')); i++) await sleep(50);
  const read = (f: string) => (existsSync(join(rootfs, f)) ? readFileSync(join(rootfs, f), 'utf8') : '');
  assert.equal(read('tmp/leak'), '', 'the host file was read through /proc/<pid>/root of a berth process');
  assert.equal(read('tmp/wrote'), '', `the exe of a berth process (${read('tmp/exe').split('\n')[0]}) was reopened for writing`);
});

test('exec: a stage that names a pid it did not fork is refused, and that process is left alone', async (t) => {
  const c = runningContainer(t);
  const decoy = spawn('sleep', ['1000'], { stdio: 'ignore' });
  t.after(() => decoy.kill('SIGKILL'));
  const dir = mkdtempSync(join(tmpdir(), 'berth-forged-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A stand-in for a stage whose socket a container took over: it claims the decoy, in the shapes of old and new protocols.
  const forged = join(dir, 'stage.js');
  writeFileSync(forged, `
const fs = require('fs');
const fd = Number(process.env.BERTH_SYNC_FD);
const say = (m) => fs.writeSync(fd, JSON.stringify(m) + '\\n');
if (process.env.FORGE === 'old') say({ type: 'hello', pid: ${decoy.pid} });
say({ type: 'exec', pid: ${decoy.pid} });
if (process.env.FORGE === 'old') say({ type: 'error', message: 'forged failure' });
setTimeout(() => {}, 2000);
`);
  const cgroupBefore = readFileSync(`/proc/${decoy.pid}/cgroup`, 'utf8');
  for (const forge of ['old', 'new']) {
    const r = spawnSync(BERTH, ['--root', c.root, 'exec', c.id, '/bin/true'], { encoding: 'utf8', timeout: 30000, env: { ...process.env, BERTH_EXEC: forged, FORGE: forge } });
    assert.notEqual(r.status, 0, `exec accepted a forged stage (${forge})`);
    assert.match(r.stderr, forge === 'new' ? /reported pid \d+, which is not its child/ : /instead of|not its child/);
  }
  await sleep(100);
  assert.equal(decoy.exitCode, null, 'the decoy was killed');
  assert.equal(decoy.signalCode, null, 'the decoy was killed');
  assert.equal(readFileSync(`/proc/${decoy.pid}/cgroup`, 'utf8'), cgroupBefore, 'the decoy was moved into the container\'s cgroups');
});
