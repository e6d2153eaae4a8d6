// Consoles: a process.terminal container's pty master is kept by berthd and
// served to any number of clients. Two attached clients both see output,
// detach leaves the container running, resize reaches the pty, a late
// client gets the scrollback, and after kill -9 of berthd a restarted one
// takes the console back from its keeper and replays the scrollback it had; deleting the container ends the
// attached session with a sessionClosed notification.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BerthClient } from '../../helper/protocol/client';
import { ID_MAX } from '../../helper/runtime/store';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { cleanupDir, makeDir, sleep, startBerthd, type Berthd } from './harness';

let b: Berthd;
let dir: string;
let bundle: Bundle;
const clients: BerthClient[] = [];

before(async () => {
  dir = makeDir();
  b = await startBerthd(dir);
  bundle = makeBundle(['sh'], (s) => {
    s.process!.terminal = true;
  });
});

after(async () => {
  for (const c of clients) c.close();
  await b.stop();
  bundle.cleanup();
  await cleanupDir(dir);
});

async function client(): Promise<BerthClient> {
  const c = await b.connect();
  clients.push(c);
  return c;
}

/** Collects decoded output of one session. */
function collect(c: BerthClient, session: string): { text: () => string } {
  let text = '';
  c.onOutput((o) => {
    if (o.session === session) text += Buffer.from(o.data, 'base64').toString();
  });
  return { text: () => text };
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const enc = (s: string) => Buffer.from(s).toString('base64');

test('two clients attached to one console both see output; resize; detach keeps it running', async () => {
  const c1 = await client();
  const c2 = await client();
  await c1.request('create', { id: 'tty1', bundle: bundle.dir, consoleSize: { rows: 24, cols: 80 } });
  await c1.request('start', { id: 'tty1' });
  const a1 = await c1.request('attach', { id: 'tty1' });
  const a2 = await c2.request('attach', { id: 'tty1', replay: false });
  const o1 = collect(c1, a1.session);
  const o2 = collect(c2, a2.session);
  await c1.request('write', { session: a1.session, data: enc('echo mark-$((6*7))\n') });
  await until(() => o1.text().includes('mark-42') && o2.text().includes('mark-42'), 'output on both clients');
  await c2.request('resize', { session: a2.session, rows: 33, cols: 101 });
  await c2.request('write', { session: a2.session, data: enc('stty size\n') });
  await until(() => o1.text().includes('33 101'), 'the new size seen inside the container');
  await c1.request('detach', { session: a1.session });
  await c2.request('detach', { session: a2.session });
  const st = await c1.request('state', { id: 'tty1' });
  assert.equal(st.status, 'running');
  assert.equal(st.terminal, true);
});

test('a client attaching later gets the scrollback replayed', async () => {
  const c3 = await client();
  const a3 = await c3.request('attach', { id: 'tty1' });
  assert.match(Buffer.from(a3.scrollback, 'base64').toString(), /mark-42/);
  await c3.request('detach', { session: a3.session });
});

test('after kill -9 of berthd the container keeps running and its console can be reattached', async () => {
  for (const c of clients.splice(0)) c.close();
  await b.crash();
  b = await b.restart();
  const c = await client();
  const st = await c.request('state', { id: 'tty1' });
  assert.equal(st.status, 'running');
  assert.equal(st.owner, 'berthd');
  const a = await c.request('attach', { id: 'tty1' });
  // The scrollback came back from disk: what the console showed before the kill.
  assert.match(Buffer.from(a.scrollback, 'base64').toString(), /mark-42/, 'scrollback from before the kill -9 replayed');
  const o = collect(c, a.session);
  await c.request('write', { session: a.session, data: enc('echo back-$((5+5))\n') });
  await until(() => o.text().includes('back-10'), 'output through the reclaimed console');
  let closed = '';
  c.onSessionClosed((n) => (closed = n.session));
  await c.request('delete', { id: 'tty1', force: true });
  await until(() => closed === a.session, 'sessionClosed for the attached session');
  assert.deepEqual((await c.request('list', {})).containers, []);
});

test('exec with a terminal returns a console session: output, input, resize, sessionClosed at exit', async () => {
  const plain = makeBundle(['sleep', '60']);
  const c = await client();
  try {
    await c.request('run', { id: 'execd', bundle: plain.dir });
    const r = await c.request('exec', {
      id: 'execd',
      process: { terminal: true, args: ['sh'], cwd: '/', user: { uid: 0, gid: 0 }, env: ['PATH=/bin', 'TERM=xterm'] },
      consoleSize: { rows: 20, cols: 70 },
    });
    assert.ok(r.session, 'a session for the tty exec');
    let closed = '';
    c.onSessionClosed((n) => (closed = n.session));
    const o = collect(c, r.session);
    await c.request('write', { session: r.session, data: enc('stty size; echo exec-$((3*3))\n') });
    await until(() => o.text().includes('exec-9') && o.text().includes('20 70'), 'exec output and its size');
    await c.request('write', { session: r.session, data: enc('exit\n') });
    await until(() => closed === r.session, 'sessionClosed when the exec shell exits');
    assert.equal((await c.request('state', { id: 'execd' })).status, 'running', 'the container outlives its exec');
    await c.request('delete', { id: 'execd', force: true });
  } finally {
    plain.cleanup();
  }
});

test(`a terminal container and a tty exec with an id of ${ID_MAX} characters: their console sockets' paths pass 107 bytes`, async () => {
  // <root>/berthd@/containers/<id>/console.sock: create failed with "console socket path … is too long" before the
  // sockets were bound and reached through their directory's fd.
  const id = 'L'.repeat(ID_MAX);
  const c = await client();
  try {
    await c.request('run', { id, bundle: bundle.dir });
    const a = await c.request('attach', { id });
    const o = collect(c, a.session);
    await c.request('write', { session: a.session, data: enc('echo main-$((2*3))\n') });
    await until(() => o.text().includes('main-6'), 'the container\'s console output');
    const r = await c.request('exec', { id, process: { terminal: true, args: ['sh', '-c', 'echo exec-$((3*3))'], cwd: '/', user: { uid: 0, gid: 0 }, env: ['PATH=/bin'] } });
    const e = collect(c, r.session!);
    await until(() => e.text().includes('exec-9'), 'the tty exec\'s output');
  } finally {
    await c.request('delete', { id, force: true }).catch(() => undefined);
  }
});
