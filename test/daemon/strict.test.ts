// --strict for non-root group members: a bundle the caller owns runs in a
// forced user namespace whose root is the caller; a bundle owned by someone
// else, hooks, namespaces by path and devices are refused with Forbidden.
// The client is `nobody` (with the allowed group) through setpriv.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ErrorCode } from '../../helper/protocol/errors';
import { defaultSpec } from '../../helper/spec/default';
import type { Mount } from '../../helper/spec/types';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { cleanupDir, makeDir, startBerthd, type Berthd } from './harness';

const GID = 4243;
const NOBODY = 65534;

// Sends each request of argv[2] (a JSON array of [method, params]) in turn and
// prints the answers as one JSON array; `wait` polls state until stopped,
// `touch` makes a file and `waitfile` waits for one (to take turns with the
// test), `events` answers with the event notifications received so far.
const CLIENT = `
const net = require('net');
const reqs = JSON.parse(process.argv[2]);
const s = net.connect(process.argv[1]);
let buf = Buffer.alloc(0), id = 0, pending, out = [], events = [];
function send(method, params) { return new Promise((res) => { pending = res; const body = JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }); s.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body); }); }
s.on('data', (d) => { buf = Buffer.concat([buf, d]); for (;;) { const i = buf.indexOf('\\r\\n\\r\\n'); if (i < 0) return; const n = Number(/Content-Length: (\\d+)/.exec(buf.subarray(0, i).toString())[1]); if (buf.length < i + 4 + n) return; const m = JSON.parse(buf.subarray(i + 4, i + 4 + n)); buf = buf.subarray(i + 4 + n); if (m.id === undefined) events.push(m.params); else pending(m); } });
s.on('connect', async () => {
  await send('hello', { protocol: 1, client: 'strict-test' });
  for (const [method, params] of reqs) {
    if (method === 'waitfile') { while (!require('fs').existsSync(params.path)) await new Promise((r) => setTimeout(r, 25)); continue; }
    if (method === 'touch') { require('fs').writeFileSync(params.path, ''); continue; }
    if (method === 'events') { out.push({ result: { events } }); continue; }
    if (method === 'wait') { for (let k = 0; k < 200; k++) { const a = await send('state', params); if (a.result && a.result.status === 'stopped') break; await new Promise((r) => setTimeout(r, 25)); } continue; }
    out.push(await send(method, params));
  }
  process.stdout.write(JSON.stringify(out)); s.destroy();
});
`;

type Answer = { result?: Record<string, unknown> & { data?: string }; error?: { code: number; message: string } };

/** setpriv's arguments that run CLIENT as nobody with the allowed group. */
function memberArgs(socket: string, reqs: [string, unknown][]): string[] {
  return ['--reuid=nobody', '--regid=nogroup', `--groups=${GID}`, '--', process.execPath, '-e', CLIENT, socket, JSON.stringify(reqs)];
}

function asMember(socket: string, reqs: [string, unknown][]): Answer[] {
  const r = spawnSync('setpriv', memberArgs(socket, reqs), { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Answer[];
}

/** asMember without blocking the test, so that root can act while the member's client runs. */
function asMemberLater(socket: string, reqs: [string, unknown][]): Promise<Answer[]> {
  const p = spawn('setpriv', memberArgs(socket, reqs), { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Answer[]) : reject(new Error(`member client exited ${code}: ${err}`))));
  });
}

let b: Berthd;
let dir: string;
const bundles: Bundle[] = [];

function ownedBundle(args: string[], edit?: (s: ReturnType<typeof defaultSpec>) => void, owner = NOBODY): Bundle {
  const x = makeBundle(args, (s) => {
    const r = defaultSpec({ rootless: true, uid: NOBODY, gid: NOBODY });
    Object.assign(s, r);
    s.process!.terminal = false;
    s.process!.args = args;
    edit?.(s);
  });
  execFileSync('chown', ['-R', `${owner}:${owner}`, x.dir]);
  bundles.push(x);
  return x;
}

before(async () => {
  dir = makeDir();
  b = await startBerthd(dir, ['--strict', '--group', String(GID)]);
});

after(async () => {
  await b.stop();
  for (const x of bundles) x.cleanup();
  await cleanupDir(dir);
});

test('a member runs its own bundle; the container root is the caller (uid 65534 on the host)', () => {
  const x = ownedBundle(['sh', '-c', 'echo uid=$(id -u); cat /proc/self/uid_map']);
  const [created, started, logs, deleted] = asMember(b.socket, [
    ['create', { id: 'strict1', bundle: x.dir }],
    ['start', { id: 'strict1' }],
    ['wait', { id: 'strict1' }],
    ['logs', { id: 'strict1' }],
    ['delete', { id: 'strict1' }],
  ]);
  assert.equal(created.error, undefined, created.error?.message);
  assert.equal(started.error, undefined, started.error?.message);
  const out = Buffer.from(logs.result!.data!, 'base64').toString();
  assert.match(out, /uid=0/);
  assert.match(out, /^\s*0\s+65534\s+1\s*$/m, 'uid 0 inside is 65534 outside');
  assert.equal(deleted.error, undefined);
});

test('refused with Forbidden: a bundle owned by root, hooks, namespaces by path, devices', () => {
  const rootOwned = ownedBundle(['true'], undefined, 0);
  const hooks = ownedBundle(['true'], (s) => (s.hooks = { prestart: [{ path: '/bin/true' }] }));
  const nsPath = ownedBundle(['true'], (s) => s.linux!.namespaces!.push({ type: 'network', path: '/proc/1/ns/net' }));
  const devices = ownedBundle(['true'], (s) => (s.linux!.devices = [{ path: '/dev/sda', type: 'b', major: 8, minor: 0 }]));
  const answers = asMember(b.socket, [
    ['create', { id: 's-root', bundle: rootOwned.dir }],
    ['create', { id: 's-hooks', bundle: hooks.dir }],
    ['create', { id: 's-ns', bundle: nsPath.dir }],
    ['create', { id: 's-dev', bundle: devices.dir }],
    ['list', {}],
  ]);
  for (const a of answers.slice(0, 4)) assert.equal(a.error?.code, ErrorCode.Forbidden, JSON.stringify(a));
  assert.match(answers[1].error!.message, /\/hooks/);
  assert.match(answers[2].error!.message, /\/linux\/namespaces\/\d+\/path/);
  assert.match(answers[3].error!.message, /\/linux\/devices/);
  assert.deepEqual(answers[4].result!.containers, []);
});

test('refused with Forbidden: an ID-mapped bind mount (it would give the member host root\'s files under any host path)', () => {
  // The host directory is root's; through an idmapped mount the container root (the member) would own its files.
  const host = makeDir();
  chmodSync(host, 0o755);
  try {
    const forms: Mount[] = [
      { destination: '/h', type: 'bind', source: host, options: ['bind', 'idmap'] },
      { destination: '/h', type: 'bind', source: host, options: ['rbind', 'ridmap'] },
      { destination: '/h', type: 'bind', source: host, options: ['bind', `idmap=uids=0-${NOBODY}-1;gids=0-${NOBODY}-1`] },
      { destination: '/h', type: 'bind', source: host, options: ['bind'], uidMappings: [{ containerID: 0, hostID: NOBODY, size: 1 }], gidMappings: [{ containerID: 0, hostID: NOBODY, size: 1 }] },
    ];
    const reqs: [string, unknown][] = [];
    forms.forEach((m, k) => {
      const x = ownedBundle(['true'], (s) => s.mounts!.push(m));
      reqs.push(['create', { id: `s-idmap${k}`, bundle: x.dir }], ['delete', { id: `s-idmap${k}`, force: true }]);
    });
    const answers = asMember(b.socket, reqs);
    for (let k = 0; k < forms.length; k++) {
      const created = answers[2 * k];
      assert.equal(created.error?.code, ErrorCode.Forbidden, JSON.stringify(created));
      assert.match(created.error!.message, /\/mounts\/\d+: ID-mapped mounts are not allowed/);
    }
  } finally {
    rmSync(host, { recursive: true, force: true });
  }
});

test('refused with Forbidden: linux.netDevices (it would move a host interface, eth0 too, into the member\'s container)', () => {
  const x = ownedBundle(['true'], (s) => {
    s.linux!.namespaces!.push({ type: 'network' });
    s.linux!.netDevices = { lo: {} };
  });
  const [created] = asMember(b.socket, [['create', { id: 's-netdev', bundle: x.dir }], ['delete', { id: 's-netdev', force: true }]]);
  assert.equal(created.error?.code, ErrorCode.Forbidden, JSON.stringify(created));
  assert.match(created.error!.message, /\/linux\/netDevices/);
});

test('a bind source below a directory the member cannot search stays out of reach (no copy made with berthd\'s privilege)', () => {
  // Stands for another user's 0700 home holding files of mode 0644.
  const home = makeDir();
  chmodSync(home, 0o700);
  mkdirSync(join(home, 'sub'), { mode: 0o755 });
  writeFileSync(join(home, 'sub', 'secret'), 'not for nobody\n', { mode: 0o644 });
  try {
    const x = ownedBundle(['cat', '/h/secret'], (s) => s.mounts!.push({ destination: '/h', type: 'bind', source: join(home, 'sub'), options: ['bind'] }));
    const [created] = asMember(b.socket, [['create', { id: 's-denied', bundle: x.dir }], ['delete', { id: 's-denied', force: true }]]);
    assert.ok(created.error, 'create must fail: nobody cannot reach the source');
    assert.match(created.error.message, /bind source `[^`]+\/sub` does not exist/);
    // Once the member can search the way there, the same bind works (found by path as the member).
    chmodSync(home, 0o755);
    const [ok, , logs] = asMember(b.socket, [['create', { id: 's-reach', bundle: x.dir }], ['start', { id: 's-reach' }], ['wait', { id: 's-reach' }], ['logs', { id: 's-reach' }], ['delete', { id: 's-reach' }]]);
    assert.equal(ok.error, undefined, ok.error?.message);
    assert.match(Buffer.from(logs.result!.data!, 'base64').toString(), /not for nobody/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('a member cannot act on a container it did not create: exec, attach, logs, kill, update, delete of root\'s are Forbidden', async (t) => {
  // Root's container runs as real host root (no user namespace): an exec into it would be host root for the member.
  const x = makeBundle(['sleep', '30']);
  bundles.push(x);
  const c = await b.connect('strict-root');
  t.after(async () => {
    await c.request('delete', { id: 'rootc', force: true }).catch(() => undefined);
    c.close();
  });
  await c.request('create', { id: 'rootc', bundle: x.dir });
  await c.request('start', { id: 'rootc' });
  const answers = asMember(b.socket, [
    ['exec', { id: 'rootc', process: { args: ['sh', '-c', 'echo exec-uid=$(id -u); cat /proc/self/uid_map'], cwd: '/', user: { uid: 0, gid: 0 } } }],
    ['attach', { id: 'rootc' }],
    ['logs', { id: 'rootc' }],
    ['kill', { id: 'rootc', signal: 'SIGSTOP' }],
    ['update', { id: 'rootc', resources: { devices: [{ allow: true, access: 'rwm' }] } }],
    ['pause', { id: 'rootc' }],
    ['delete', { id: 'rootc', force: true }],
    ['list', {}],
  ]);
  const logs = Buffer.from(await c.request('logs', { id: 'rootc' }).then((r) => r.data), 'base64').toString();
  assert.doesNotMatch(logs, /exec-uid/, 'the member\'s exec ran in root\'s container');
  for (const a of answers.slice(0, 7)) assert.equal(a.error?.code, ErrorCode.Forbidden, JSON.stringify(a));
  assert.match(answers[0].error!.message, /container rootc: created by uid 0/);
  assert.deepEqual(answers[7].result!.containers, [], 'a member lists only its own containers');
  assert.equal((await c.request('state', { id: 'rootc' })).status, 'running');
});

test('a member\'s subscription carries its own containers\' events only, none of root\'s', async (t) => {
  const flags = join(dir, 'flags');
  mkdirSync(flags, { mode: 0o777 });
  chmodSync(flags, 0o777);
  const mine = ownedBundle(['true']);
  const x = makeBundle(['sleep', '30']);
  bundles.push(x);
  const c = await b.connect('strict-root-events');
  t.after(async () => {
    await c.request('delete', { id: 'rootev', force: true }).catch(() => undefined);
    c.close();
  });
  const member = asMemberLater(b.socket, [
    ['subscribe', {}],
    ['touch', { path: join(flags, 'subscribed') }],
    ['waitfile', { path: join(flags, 'rootdone') }],
    ['create', { id: 's-ev', bundle: mine.dir }],
    ['start', { id: 's-ev' }],
    ['wait', { id: 's-ev' }],
    ['delete', { id: 's-ev' }],
    ['events', {}],
  ]);
  const deadline = Date.now() + 20_000;
  while (!existsSync(join(flags, 'subscribed'))) {
    assert.ok(Date.now() < deadline, 'the member subscribed within 20 s');
    await new Promise((r) => setTimeout(r, 25));
  }
  // Root's container goes through its whole life while the member listens.
  await c.request('create', { id: 'rootev', bundle: x.dir });
  await c.request('start', { id: 'rootev' });
  await c.request('kill', { id: 'rootev', signal: 'SIGKILL' });
  while ((await c.request('state', { id: 'rootev' })).status !== 'stopped') await new Promise((r) => setTimeout(r, 25));
  await c.request('delete', { id: 'rootev' });
  writeFileSync(join(flags, 'rootdone'), '');
  const answers = await member;
  for (const a of answers.slice(0, 4)) assert.equal(a.error, undefined, JSON.stringify(a));
  const events = answers[4].result!.events as { id: string; type: string }[];
  const seen = (id: string) => events.filter((e) => e.id === id).map((e) => e.type);
  assert.deepEqual(seen('rootev'), [], `root's container's events reached the member: ${JSON.stringify(events)}`);
  for (const type of ['created', 'started', 'deleted']) assert.ok(seen('s-ev').includes(type), `the member's own ${type} event: ${JSON.stringify(events)}`);
});

test('update of a member\'s own container is held to create\'s rules: a device rule that allows is Forbidden, a limit is fine', () => {
  const x = ownedBundle(['sleep', '30']);
  const [created, allow, limit, deleted] = asMember(b.socket, [
    ['create', { id: 's-upd', bundle: x.dir }],
    ['update', { id: 's-upd', resources: { devices: [{ allow: true, access: 'rwm' }] } }],
    ['update', { id: 's-upd', resources: { pids: { limit: 50 } } }],
    ['delete', { id: 's-upd', force: true }],
  ]);
  assert.equal(created.error, undefined, created.error?.message);
  assert.equal(allow.error?.code, ErrorCode.Forbidden, JSON.stringify(allow));
  assert.match(allow.error!.message, /\/resources\/devices\/0\/allow/);
  assert.equal(limit.error, undefined, limit.error?.message);
  assert.equal(deleted.error, undefined, deleted.error?.message);
});
