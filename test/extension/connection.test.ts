// The extension's berthd connection and containers feed against a real
// berthd (as root, own --root and socket): it waits with backoff while no
// berthd listens, connects when one appears, fills the model from `list`
// and then from events alone (a container's whole life), serves a console
// through attach/write/resize, and notices when berthd goes away.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Backoff } from '../../extension/berthd/backoff';
import { BerthdConnection, type ConnectionState } from '../../extension/berthd/connection';
import { ContainersFeed } from '../../extension/containers/feed';
import { ContainersModel } from '../../extension/containers/model';
import { chunks } from '../../extension/terminal/chunks';
import { makeBundle } from '../fixtures/bundle';
import { berthdMissing, startBerthd, type TestDaemon } from '../e2e/berthd';

function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

test('connection + feed against a real berthd: backoff, connect, events, console, two viewers, large paste, loss', { skip: berthdMissing(), timeout: 60_000 }, async (t) => {
  const bundle = makeBundle(['sh'], (s) => {
    s.process!.terminal = true;
    s.hostname = 'feed-test';
    s.root!.readonly = false;
  });
  let daemon: TestDaemon | undefined;
  const states: ConnectionState['kind'][] = [];
  const model = new ContainersModel();
  // Start the connection before berthd exists: its socket path is known, the file is not there yet.
  const placeholder = mkdtempSync(join(tmpdir(), 'berth-conn-'));
  const conn = new BerthdConnection({
    socketPath: join(placeholder, 'none.sock'),
    clientName: 'berth-vscode-test',
    backoff: new Backoff({ first: 50, max: 200, factor: 2, jitter: 0 }),
  });
  conn.onDidChangeState((s) => states.push(s.kind));
  const feed = new ContainersFeed(conn, model);
  t.after(async () => {
    feed.dispose();
    conn.dispose();
    model.dispose();
    await daemon?.stop();
    bundle.cleanup();
    rmSync(placeholder, { recursive: true, force: true });
  });

  await conn.start();
  assert.equal(conn.state.kind, 'disconnected');
  assert.match((conn.state as { reason: string }).reason, /no berthd socket at/);
  await until('two retries while nothing listens', () => states.filter((s) => s === 'connecting').length >= 3);

  daemon = await startBerthd();
  await conn.restart(daemon.socket);
  assert.equal(conn.state.kind, 'connected');
  assert.ok(conn.isConnected);
  const hello = await conn.whenConnected(1000);
  assert.equal(hello.root, daemon.root);
  await until('the first list', () => states.at(-1) === 'connected');

  // A container's life, seen only through events (the test drives berthd with its own client).
  const own = await daemon.client();
  try {
    const id = 'feed-1';
    await own.request('create', { id, bundle: bundle.dir });
    await until('created in the model', () => model.get(id)?.status === 'created');
    const a = await conn.request('attach', { id, replay: true });
    let seen = '';
    const sub = conn.onOutput((o) => {
      if (o.session === a.session) seen += Buffer.from(o.data, 'base64').toString();
    });
    await own.request('start', { id });
    await until('running in the model', () => model.get(id)?.status === 'running');
    assert.ok(model.get(id)?.pid, 'pid known once running');
    await conn.request('resize', { session: a.session, rows: 31, cols: 97 });
    await conn.request('write', { session: a.session, data: Buffer.from('hostname; stty size\n').toString('base64') });
    await until('hostname and the new size echoed by the container', () => /feed-test\r?\n31 97/.test(seen));

    // A second viewer of the same console sees the same output.
    const b = await conn.request('attach', { id, replay: false });
    let seenB = '';
    const subB = conn.onOutput((o) => {
      if (o.session === b.session) seenB += Buffer.from(o.data, 'base64').toString();
    });
    // A large paste, split as the terminal splits it, arrives whole: 256 KiB of 63-char lines into a file.
    const line = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.\n';
    const paste = Buffer.from(line.repeat(Math.ceil((256 * 1024) / line.length)));
    await conn.request('write', { session: a.session, data: Buffer.from('stty -echo; cat > /root/paste\n').toString('base64') });
    for (const part of chunks(paste)) await conn.request('write', { session: a.session, data: part.toString('base64') });
    await conn.request('write', { session: a.session, data: Buffer.from('\x04stty echo; wc -c < /root/paste; echo two-viewers\n').toString('base64') });
    await until('the paste counted inside the container', () => new RegExp(`\\b${paste.length}\\b`).test(seen), 20_000);
    await until('the second viewer sees the same output', () => seenB.includes('two-viewers') && seenB.includes(String(paste.length)));
    assert.equal(statSync(join(bundle.rootfs, 'root/paste')).size, paste.length, 'no byte of the paste lost');
    subB.dispose();
    await conn.request('detach', { session: b.session });
    sub.dispose();
    await conn.request('detach', { session: a.session });
    await own.request('kill', { id, signal: 'SIGKILL' });
    await until('stopped with its exit in the model', () => model.get(id)?.status === 'stopped' && !!model.get(id)?.exitStatus);
    assert.equal(model.get(id)?.exitStatus?.signal, 'SIGKILL');
    await own.request('delete', { id });
    await until('deleted from the model', () => model.get(id) === undefined);
  } finally {
    own.close();
  }

  // berthd goes away: the connection says so, the model forgets, and it keeps trying.
  await daemon.stop();
  daemon = undefined;
  await until('disconnected after berthd stopped', () => conn.state.kind === 'disconnected');
  assert.equal(model.size, 0);
  await assert.rejects(conn.request('list', {}), /berthd is not connected/);
});
