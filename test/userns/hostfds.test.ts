// Files the parent opens as host root for a container with a user namespace
// (helper/runtime/hostfds.ts), checked from inside a busybox container: a
// bind source below a host directory of mode 000 is mounted (the init, root
// of its namespace only, could not reach it by path), the exec fifo is
// reached in a --root the container's root cannot search, and none of the
// fds the parent handed over reaches the container's process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
