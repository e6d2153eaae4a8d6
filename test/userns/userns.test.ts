// User and time namespaces on the real kernel (dist/berth, busybox bundles):
// `berth spec --rootless` configs run; a shifted id map owns the container's
// files on the host side; timeOffsets move the container's clocks; exec
// joins the same user and time namespaces.
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { chmodSync, closeSync, lchownSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '../../helper/spec/types';
import { makeBundle } from '../fixtures/bundle';
import { BERTH, ensureBuilt, pidsHolding, Runner, until } from '../runtime/harness';

const SHIFT = 100000;

function chownTree(p: string, id: number): void {
  lchownSync(p, id, id);
  if (statSync(p).isDirectory() && !readlinkSafe(p)) for (const n of readdirSync(p)) chownTree(join(p, n), id);
}
function readlinkSafe(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    return undefined;
  }
}

function setup(t: { after(fn: () => void): void }, args: string[], edit: (s: Spec) => void, shift = false, beforeCleanup?: (r: Runner, id: string) => void) {
  ensureBuilt();
  const r = new Runner();
  const id = `userns-${Math.random().toString(36).slice(2, 7)}`;
  // The init runs as the container's root, which a shifted map makes host uid 100000: it must reach the state directory.
  chmodSync(r.root, 0o711);
  const bundle = makeBundle(args, edit);
  if (shift) {
    chmodSync(bundle.dir, 0o755);
    chownTree(bundle.rootfs, SHIFT);
  }
  t.after(() => {
    beforeCleanup?.(r, id);
    r.cleanup();
    bundle.cleanup();
  });
  return { r, bundle, id };
}

function shifted(s: Spec): void {
  s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = [{ containerID: 0, hostID: SHIFT, size: 65536 }];
  s.linux!.gidMappings = [{ containerID: 0, hostID: SHIFT, size: 65536 }];
}

test('a `berth spec --rootless` config runs: user namespace mapping the caller to root', (t) => {
  ensureBuilt();
  const r = new Runner();
  const bundle = makeBundle(['true']);
  t.after(() => {
    r.cleanup();
    bundle.cleanup();
  });
  rmSync(join(bundle.dir, 'config.json'));
  assert.equal(r.run(['spec', '--rootless', '--bundle', bundle.dir]).status, 0);
  const spec = JSON.parse(readFileSync(join(bundle.dir, 'config.json'), 'utf8')) as Spec;
  assert.ok(spec.linux!.namespaces!.some((n) => n.type === 'user'), 'the rootless config asks for a user namespace');
  spec.process!.terminal = false;
  spec.process!.args = ['sh', '-c', 'id -u; cat /proc/self/uid_map; readlink /proc/self/ns/user; ls /dev/null && echo devnull-ok'];
  bundle.spec = spec;
  bundle.write();
  const res = r.run(['run', '--bundle', bundle.dir, 'rootless-' + process.pid]);
  assert.equal(res.status, 0, res.stderr);
  const [uid, map, userNs, dev] = res.stdout.trim().split('\n');
  assert.equal(uid, '0');
  assert.deepEqual(map.trim().split(/\s+/), ['0', String(process.getuid!()), '1']);
  assert.notEqual(userNs, readlinkSync('/proc/self/ns/user'), 'a user namespace of its own');
  assert.match(dev, /\/dev\/null/);
});

test('a shifted uid/gid map: root inside is host uid 100000 outside; exec joins the same user namespace', (t) => {
  const { r, bundle, id } = setup(t, ['sleep', '1000'], shifted, true);
  const c = r.run(['create', '--bundle', bundle.dir, id]);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(r.run(['start', id]).status, 0);
  const pid = r.state(id).pid;
  assert.equal(readFileSync(`/proc/${pid}/uid_map`, 'utf8').trim().split(/\s+/).join(' '), `0 ${SHIFT} 65536`);
  assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), new RegExp(`^Uid:\\s+${SHIFT}\\s`, 'm'), 'the init is host uid 100000');
  const e = r.run(['exec', r.id(id), '--', 'sh', '-c', 'id -u; touch /dev/shm/by-root; readlink /proc/self/ns/user; grep ^CapEff /proc/self/status']);
  assert.equal(e.status, 0, e.stderr);
  const [uid, userNs, capEff] = e.stdout.trim().split('\n');
  assert.equal(uid, '0');
  assert.equal(userNs, readlinkSync(`/proc/${pid}/ns/user`));
  assert.match(capEff, /CapEff:\s+0000000020000420/, 'the configured capabilities, counted in the container\'s user namespace');
  assert.equal(statSync(`/proc/${pid}/root/dev/shm/by-root`).uid, SHIFT, 'a file made by the container\'s root belongs to host uid 100000');
  const u = r.run(['exec', '--user', '1000:1000', r.id(id), '--', 'touch', '/dev/shm/by-1000']);
  assert.equal(u.status, 0, u.stderr);
  assert.equal(statSync(`/proc/${pid}/root/dev/shm/by-1000`).uid, SHIFT + 1000);
});

test('timeOffsets: the container\'s boottime and monotonic clocks are moved; exec shares the time namespace', (t) => {
  const { r, bundle, id } = setup(t, ['sleep', '1000'], (s) => {
    s.linux!.namespaces!.push({ type: 'time' });
    s.linux!.timeOffsets = { boottime: { secs: 86400 * 365 }, monotonic: { secs: 1000 } };
  });
  assert.equal(r.run(['create', '--bundle', bundle.dir, id]).status, 0);
  assert.equal(r.run(['start', id]).status, 0);
  const pid = r.state(id).pid;
  const e = r.run(['exec', r.id(id), '--', 'sh', '-c', 'cat /proc/uptime; cat /proc/self/timens_offsets; readlink /proc/self/ns/time']);
  assert.equal(e.status, 0, e.stderr);
  const lines = e.stdout.trim().split('\n');
  const inside = Number(lines[0].split(' ')[0]);
  const host = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  assert.ok(Math.abs(inside - host - 86400 * 365) < 60, `uptime inside ${inside}, host ${host}`);
  assert.match(e.stdout, /^monotonic\s+1000\s+0$/m);
  assert.match(e.stdout, /^boottime\s+31536000\s+0$/m);
  assert.equal(lines[lines.length - 1], readlinkSync(`/proc/${pid}/ns/time`));
  assert.notEqual(lines[lines.length - 1], readlinkSync('/proc/self/ns/time'));
});

test('user and time namespace config errors name the field', (t) => {
  const cases: [(s: Spec) => void, RegExp][] = [
    [(s) => s.linux!.namespaces!.push({ type: 'user' }), /a new user namespace needs (linux\.uidMappings|id mappings)/],
    [(s) => { shifted(s); s.linux!.namespaces!.push({ type: 'time' }); s.linux!.timeOffsets = { monotonic: { secs: 1, nanosecs: 1e9 } }; }, /nanoseconds go from 0 to 999999999.*timeOffsets\/monotonic\/nanosecs/],
    [(s) => { s.linux!.timeOffsets = { boottime: { secs: 1 } }; }, /\/linux\/timeOffsets: .*needs a `?time`? namespace/],
  ];
  for (const [edit, re] of cases) {
    const { r, bundle, id } = setup(t, ['true'], edit);
    const res = r.run(['create', '--bundle', bundle.dir, id]);
    assert.equal(res.status, 1, `expected create to fail for ${re}`);
    assert.match(res.stderr, re);
  }
});

test('through the trampoline, `kill KILL` is reported as SIGKILL and a failed create leaves no process', async (t) => {
  const started: { run?: ReturnType<typeof spawn> } = {};
  // This container is started by `run` outside the Runner: delete it before the Runner removes its --root.
  const { r, bundle, id } = setup(t, ['sleep', '1000'], shifted, true, (r, id) => {
    started.run?.kill('SIGKILL');
    r.run(['delete', '--force', id]);
  });
  // stderr in a file: a pipe would be inherited by the container and keep this test waiting if it failed.
  const errFile = join(r.out, 'run.err');
  const errFd = openSync(errFile, 'w');
  const run = (started.run = spawn(BERTH, ['--root', r.root, 'run', '--bundle', bundle.dir, r.id(id)], { stdio: ['ignore', 'ignore', errFd] }));
  closeSync(errFd);
  const done = new Promise<number | null>((res) => run.on('exit', (code) => res(code)));
  const stderr = () => readFileSync(errFile, 'utf8');
  await until(() => r.run(['state', id]).stdout.includes('"running"'), 10000, 'running').catch((e) => {
    throw new Error(`${e.message}: berth run said ${stderr()}`);
  });
  assert.equal(r.run(['kill', id, 'KILL']).status, 0);
  assert.equal(await done, 128 + 9, `berth run's status; stderr: ${stderr()}`);
  assert.doesNotMatch(stderr(), /sigprocmask/);

  // A mount that cannot succeed fails create after the init became its namespace's root.
  const bad = setup(t, ['true'], (s) => {
    shifted(s);
    s.mounts!.push({ destination: '/data', type: 'bind', source: '/nonexistent-berth-source', options: ['bind'] });
  }, true);
  const c = bad.r.run(['create', '--bundle', bad.bundle.dir, bad.id]);
  assert.equal(c.status, 1);
  assert.deepEqual(pidsHolding(bad.r.stdoutPath), [], 'no init or trampoline left holding the container\'s stdout');
});
