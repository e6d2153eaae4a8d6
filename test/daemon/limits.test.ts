// What one non-root member can hold in berthd: connections are counted per
// uid, so a member opening sockets by the thousand (each an fd and up to a
// 1 MiB partial message in berthd) is refused past the cap, and root still
// connects and works (berthd's fd limit is lowered with prlimit so the
// exhaustion the cap prevents would show within a few hundred sockets).
// Subscriptions per connection are capped too: every event is sent to each.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { makeBundle } from '../fixtures/bundle';
import { cleanupDir, makeDir, startBerthd, usage, type Berthd } from './harness';

const GID = 4246;

// Opens argv[2] connections and keeps them; after 2 s prints how many are still open, then waits for stdin to close.
const HOARDER = `
const net = require('net');
const n = Number(process.argv[2]);
let open = 0;
for (let i = 0; i < n; i++) {
  const s = net.connect(process.argv[1]);
  s.on('connect', () => { open++; s.once('close', () => open--); });
  s.on('error', () => undefined);
  s.resume();
}
setTimeout(() => process.stdout.write(JSON.stringify({ open }) + '\\n'), 2000);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

async function berthd(t: TestContext): Promise<Berthd> {
  const dir = makeDir();
  const b = await startBerthd(dir, ['--strict', '--group', String(GID), '--init-pool', '0']);
  t.after(async () => {
    await b.stop();
    await cleanupDir(dir);
  });
  return b;
}

test('a member holding hundreds of connections is refused past its cap; berthd keeps fds for root', async (t) => {
  const b = await berthd(t);
  // This berthd only (its hard limit cannot be raised back without CAP_SYS_RESOURCE, which a container may lack).
  execFileSync('prlimit', ['--pid', String(b.child.pid), '--nofile=300:300']);
  const hoarder = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', `--groups=${GID}`, '--', process.execPath, '-e', HOARDER, b.socket, '400'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((r) => hoarder.once('exit', r));
  t.after(async () => {
    hoarder.stdin!.end();
    await exited;
  });
  const line = await new Promise<string>((res) => hoarder.stdout!.once('data', (d: Buffer) => res(d.toString())));
  const { open } = JSON.parse(line) as { open: number };
  const fds = readdirSync(`/proc/${b.child.pid}/fd`).length;
  const c = await b.connect('limits-root');
  try {
    assert.deepEqual((await c.request('list', {})).containers, []);
  } finally {
    c.close();
  }
  assert.ok(open <= 32, `the member still holds ${open} connections`);
  assert.ok(fds < 100, `berthd holds ${fds} fds`);
  assert.match(readFileSync(b.audit, 'utf8'), /"uid":65534.*"result":"refused".*already has 32 connections/);
  console.log(`member asked for 400 connections, holds ${open}; berthd has ${fds} fds open`);
});

// Sends hello and argv[2] `subscribe` requests in one go, prints how many were granted, then stops reading and waits for stdin to close.
const SUBSCRIBER = `
const net = require('net');
const n = Number(process.argv[2]);
const s = net.connect(process.argv[1]);
let buf = '', granted = 0, answered = 0;
const frame = (id, method, params) => { const b = JSON.stringify({ jsonrpc: '2.0', id, method, params }); return 'Content-Length: ' + Buffer.byteLength(b) + '\\r\\n\\r\\n' + b; };
s.on('connect', () => {
  let out = frame(0, 'hello', { protocol: 1, client: 'subscriber' });
  for (let i = 1; i <= n; i++) out += frame(i, 'subscribe', {});
  s.write(out);
});
s.on('data', (d) => {
  buf += d;
  for (;;) {
    const i = buf.indexOf('\\r\\n\\r\\n'); if (i < 0) return;
    const len = Number(/Content-Length: (\\d+)/.exec(buf.slice(0, i))[1]);
    if (buf.length < i + 4 + len) return;
    const m = JSON.parse(buf.slice(i + 4, i + 4 + len)); buf = buf.slice(i + 4 + len);
    if (m.id > 0) { answered++; if (m.result) granted++; }
    if (answered === n) { s.pause(); process.stdout.write(JSON.stringify({ granted }) + '\\n'); answered = -1; }
  }
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

test('a member\'s subscriptions per connection are capped: events for a client that does not read cannot grow berthd without bound', async (t) => {
  const b = await berthd(t);
  const x = makeBundle(['true']);
  t.after(() => x.cleanup());
  const sub = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', `--groups=${GID}`, '--', process.execPath, '-e', SUBSCRIBER, b.socket, '20000'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((r) => sub.once('exit', r));
  t.after(async () => {
    sub.stdin!.end();
    await exited;
  });
  const { granted } = JSON.parse(await new Promise<string>((res) => sub.stdout!.once('data', (d: Buffer) => res(d.toString())))) as { granted: number };
  const before = usage(b.child.pid!).rssKb;
  const c = await b.connect('limits-root');
  const t0 = performance.now();
  try {
    for (let k = 0; k < 5; k++) {
      await c.request('run', { id: `lim${k}`, bundle: x.dir });
      await c.request('delete', { id: `lim${k}`, force: true });
    }
  } finally {
    c.close();
  }
  const ms = Math.round(performance.now() - t0);
  const grown = usage(b.child.pid!).rssKb - before;
  console.log(`member asked for 20000 subscriptions, got ${granted}; 5 run/delete cycles by root took ${ms} ms; berthd RSS grew ${grown} kB`);
  assert.equal(granted, 64, `${granted} subscriptions granted`);
  assert.ok(grown < 50_000, `berthd grew by ${grown} kB`);
});
