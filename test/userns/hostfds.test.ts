// Files the parent opens as host root for a container with a user namespace
// (helper/runtime/hostfds.ts), checked from inside a busybox container: a
// bind source below a host directory of mode 000 is mounted (the init, root
// of its namespace only, could not reach it by path), the exec fifo is
// reached in a --root the container's root cannot search, and none of the
// fds the parent handed over reaches the container's process.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH } from '../runtime/harness';
import { shiftedSetup as setup } from './shifted';

/** A host tree `<tmp>/locked (mode 000, host root)/m/content` and a symlink `locked/s -> m`. */
function lockedSource(t: { after(fn: () => void): void }) {
  const top = mkdtempSync(join(tmpdir(), 'berth-hostfds-'));
  const locked = join(top, 'locked');
  const dir = join(locked, 'm');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'content'), 'hello');
  writeFileSync(join(locked, 'file'), 'a file');
  symlinkSync(dir, join(locked, 's'));
  chmodSync(locked, 0o000);
  t.after(() => {
    chmodSync(locked, 0o755);
    rmSync(top, { recursive: true, force: true });
  });
  return { locked, dir };
}

test('user namespace: bind sources below a mode-000 host directory (dir, file, through a symlink) are mounted, and no handed-over fd reaches the container', (t) => {
  const { locked, dir } = lockedSource(t);
  // ls is the container's process itself: its fds are what execve left it (busybox ls closes its directory before listing).
  const script = 'cat /a/content; echo; cat /b; echo; cat /c/content; echo; exec ls -l /proc/self/fd';
  const { r, bundle } = setup(t, ['sh', '-c', script], (s) => {
    s.mounts!.push(
      { destination: '/a', type: 'bind', source: dir, options: ['bind', 'ro'] },
      { destination: '/b', type: 'bind', source: join(locked, 'file'), options: ['rbind'] },
      { destination: '/c', type: 'bind', source: join(locked, 's'), options: ['bind'] },
    );
  });
  const res = r.run(['run', '--bundle', bundle.dir, 'hostfds']);
  assert.equal(res.status, 0, res.stderr);
  const lines = res.stdout.trim().split('\n');
  assert.deepEqual(lines.slice(0, 3), ['hello', 'a file', 'hello']);
  const fds = lines.slice(3).filter((l) => l.includes('->')).map((l) => l.replace(/^.*\s(\d+) -> (.*)$/, '$1 $2'));
  assert.deepEqual(fds.map((f) => f.split(' ')[0]), ['0', '1', '2'], `only stdio: ${fds.join(', ')}`);
});

test('user namespace: a bind source that does not exist is reported by the parent with its field', (t) => {
  const { r, bundle } = setup(t, ['true'], (s) => {
    s.mounts!.push({ destination: '/data', type: 'bind', source: '/nonexistent-berth-source', options: ['bind'] });
  });
  const res = r.run(['create', '--bundle', bundle.dir, 'hostfds-missing']);
  assert.equal(res.status, 1);
  assert.match(res.stderr, /\/mounts\/\d+\/source.*bind source `\/nonexistent-berth-source` does not exist|bind source `\/nonexistent-berth-source` does not exist/);
});

test('user namespace: a reachable bind source is still bound from its path, so a read-only host mount stays locked read-only', (t) => {
  const top = mkdtempSync(join(tmpdir(), 'berth-hostfds-ro-'));
  chmodSync(top, 0o755); // searchable by the container's root: no need for the parent's copy
  t.after(() => rmSync(top, { recursive: true, force: true }));
  const script = 'mount -o remount,bind,rw /x && echo REMOUNTED; grep " /x " /proc/self/mountinfo';
  const { r, bundle } = setup(t, ['sh', '-c', script], (s) => {
    for (const set of Object.values(s.process!.capabilities!)) set.push('CAP_SYS_ADMIN');
    s.mounts!.push({ destination: '/x', type: 'bind', source: top, options: ['bind'] });
  });
  // The read-only host mount exists only in a private mount namespace that berth runs in.
  const res = spawnSync('/usr/bin/unshare', ['-m', '--propagation', 'private', 'sh', '-c',
    'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" --root "$3" run --bundle "$4" "$5"',
    'sh', top, BERTH, r.root, bundle.dir, r.id('hostfds-ro')], { encoding: 'utf8', timeout: 30000 });
  assert.equal(res.status, 0, res.stderr);
  assert.doesNotMatch(res.stdout, /REMOUNTED/, 'the container\'s root could not make the host\'s read-only mount writable');
  assert.match(res.stdout, / \/x ro[,\s]/);
});
