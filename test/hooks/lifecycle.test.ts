// Hooks through the real lifecycle (dist/berth, busybox bundle): each kind
// runs at its point and in its namespaces with the state on stdin, and a
// failure fails the operation as runtime-spec v1.3 says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hook, Spec } from '../../helper/spec/types';
import { BUSYBOX, makeBundle } from '../fixtures/bundle';
import { ensureBuilt, Runner, until } from '../runtime/harness';

/** A hook that saves its stdin (the state) and a few facts about where it runs into `out/<name>.*`. */
function recorder(out: string, name: string, path = BUSYBOX): Hook {
  return { path, args: ['sh', '-c', `cat > ${out}/${name}.json; hostname > ${out}/${name}.host; readlink /proc/self/ns/mnt > ${out}/${name}.mnt`], env: ['HOOK=1'] };
}

const fail = (name: string): Hook => ({ path: BUSYBOX, args: ['sh', '-c', `echo ${name} refused >&2; exit 2`] });

function setup(t: { after(fn: () => void): void }, edit: (s: Spec, out: string) => void) {
  ensureBuilt();
  const out = mkdtempSync(join(tmpdir(), 'berth-hooks-out-'));
  const r = new Runner();
  const bundle = makeBundle(['sleep', '1000'], (s) => edit(s, out));
  t.after(() => {
    r.cleanup();
    bundle.cleanup();
    rmSync(out, { recursive: true, force: true });
  });
  return { r, bundle, out, id: `hooks-${process.pid}-${Math.random().toString(36).slice(2, 7)}` };
}

test('every hook kind runs at its point with the state on stdin, in the right namespaces', async (t) => {
  const { r, bundle, out, id } = setup(t, (s, out) => {
    s.hooks = {
      prestart: [recorder(out, 'prestart')],
      createRuntime: [recorder(out, 'createRuntime')],
      createContainer: [recorder(out, 'createContainer')],
      // Runs inside the container after pivot_root: its path is the container's busybox, its output goes to the container's /dev/shm.
      startContainer: [{ path: '/bin/busybox', args: ['sh', '-c', 'cat > /dev/shm/startContainer.json; hostname > /dev/shm/startContainer.host'] }],
      poststart: [recorder(out, 'poststart')],
      poststop: [recorder(out, 'poststop')],
    };
  });
  const c = r.run(['create', '--bundle', bundle.dir, id]);
  assert.equal(c.status, 0, c.stderr);
  const pid = r.state(id).pid;
  const hostMnt = readlinkSync('/proc/self/ns/mnt');
  const initMnt = readlinkSync(`/proc/${pid}/ns/mnt`);
  for (const kind of ['prestart', 'createRuntime']) {
    const st = JSON.parse(readFileSync(join(out, `${kind}.json`), 'utf8'));
    assert.equal(st.id, r.id(id));
    assert.equal(st.pid, pid, `${kind} sees the container's pid`);
    assert.equal(st.status, 'creating');
    assert.equal(st.bundle, bundle.dir);
    assert.equal(readFileSync(join(out, `${kind}.mnt`), 'utf8').trim(), hostMnt, `${kind} runs in the runtime's namespaces`);
  }
  const cc = JSON.parse(readFileSync(join(out, 'createContainer.json'), 'utf8'));
  assert.equal(cc.pid, pid);
  assert.equal(readFileSync(join(out, 'createContainer.host'), 'utf8').trim(), 'berth', 'createContainer runs in the container\'s uts namespace');
  assert.equal(readFileSync(join(out, 'createContainer.mnt'), 'utf8').trim(), initMnt, 'createContainer runs in the container\'s mount namespace');
  assert.equal(existsSync(join(out, 'poststart.json')), false, 'poststart waits for start');

  const s = r.run(['start', id]);
  assert.equal(s.status, 0, s.stderr);
  const ps = JSON.parse(readFileSync(join(out, 'poststart.json'), 'utf8'));
  assert.equal(ps.status, 'running');
  assert.equal(ps.pid, pid);
  await until(() => existsSync(`/proc/${pid}/root/dev/shm/startContainer.host`), 5000, 'startContainer output');
  assert.equal(readFileSync(`/proc/${pid}/root/dev/shm/startContainer.host`, 'utf8').trim(), 'berth');
  assert.equal(JSON.parse(readFileSync(`/proc/${pid}/root/dev/shm/startContainer.json`, 'utf8')).pid, pid);

  assert.equal(r.run(['kill', id, 'KILL']).status, 0);
  await until(() => r.state(id).status === 'stopped', 5000, 'stopped');
  assert.equal(existsSync(join(out, 'poststop.json')), false);
  const d = r.run(['delete', id]);
  assert.equal(d.status, 0, d.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'poststop.json'), 'utf8')).status, 'stopped');
});

for (const kind of ['prestart', 'createRuntime', 'createContainer'] as const) {
  test(`a failing ${kind} hook fails create, names the hook, and leaves no container`, (t) => {
    const { r, bundle, id } = setup(t, (s) => (s.hooks = { [kind]: [fail(kind)] }));
    const c = r.run(['create', '--bundle', bundle.dir, id]);
    assert.equal(c.status, 1);
    assert.match(c.stderr, new RegExp(`/hooks/${kind}/0: error running hook \`/bin/busybox\`: exited with status 2: stderr: ${kind} refused`));
    assert.notEqual(r.run(['state', id]).status, 0, 'the container is gone');
  });
}

test('a failing poststart hook fails start and stops the container; a failing poststop only warns', async (t) => {
  const { r, bundle, id } = setup(t, (s) => (s.hooks = { poststart: [fail('poststart')], poststop: [fail('poststop')] }));
  assert.equal(r.run(['create', '--bundle', bundle.dir, id]).status, 0);
  const s = r.run(['start', id]);
  assert.equal(s.status, 1);
  assert.match(s.stderr, /\/hooks\/poststart\/0: error running hook `\/bin\/busybox`: exited with status 2/);
  await until(() => r.state(id).status === 'stopped', 5000, 'stopped after the failed poststart');
  const d = r.run(['delete', id]);
  assert.equal(d.status, 0, d.stderr);
  assert.match(d.stderr, /\/hooks\/poststop\/0: error running hook `\/bin\/busybox`: exited with status 2/);
});

test('a hook past its timeout fails create', (t) => {
  const { r, bundle, id } = setup(t, (s) => (s.hooks = { createRuntime: [{ path: BUSYBOX, args: ['sleep', '30'], timeout: 1 }] }));
  const t0 = Date.now();
  const c = r.run(['create', '--bundle', bundle.dir, id]);
  assert.equal(c.status, 1);
  assert.match(c.stderr, /\/hooks\/createRuntime\/0: error running hook `\/bin\/busybox`: timed out after 1s/);
  assert.ok(Date.now() - t0 < 10000);
});
