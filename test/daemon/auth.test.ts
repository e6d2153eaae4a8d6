// Who may talk to berthd: a uid that is neither root nor in the allowed
// group is refused with one clear error and nothing else; a member of the
// group (here `nobody` given the group as a supplementary gid) is served.
// The client runs as nobody through setpriv, as a plain node script so it
// needs nothing from the repository.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ErrorCode } from '../../helper/protocol/errors';
import { cleanupDir, makeDir, startBerthd, type Berthd } from './harness';

const GID = 4242; // numeric: no /etc/group edit needed, and no real group uses it here

const CLIENT = `
const net = require('net');
const s = net.connect(process.argv[1]);
let buf = '';
s.on('connect', () => {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'hello', params: { protocol: 1, client: 'nobody' } });
  s.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
});
s.on('data', (d) => { buf += d; const i = buf.indexOf('\\r\\n\\r\\n'); if (i >= 0 && buf.length >= i + 4 + Number(/Content-Length: (\\d+)/.exec(buf)[1])) { process.stdout.write(buf.slice(i + 4)); s.destroy(); } });
s.on('close', () => { if (!buf) process.stdout.write('closed without answer'); });
s.on('error', (e) => { process.stdout.write('error ' + e.code); });
`;

function asNobody(socket: string, groups: string[]): { reply: string; status: number | null } {
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', ...groups, '--', process.execPath, '-e', CLIENT, socket], { encoding: 'utf8', timeout: 10_000 });
  return { reply: r.stdout, status: r.status };
}

let b: Berthd;
let dir: string;
before(async () => {
  dir = makeDir();
  b = await startBerthd(dir, ['--group', String(GID)]);
});
after(async () => {
  await b.stop();
  await cleanupDir(dir);
});

test('socket is 0660 root:<allowed group>', () => {
  const st = statSync(b.socket);
  assert.equal(st.mode & 0o777, 0o660);
  assert.equal(st.uid, 0);
  assert.equal(st.gid, GID);
});

test('nobody without the group cannot even open the 0660 socket (EACCES)', () => {
  const { reply } = asNobody(b.socket, ['--clear-groups']);
  assert.match(reply, /^error EACCES/);
});

test('SO_PEERCRED refuses nobody with NotAllowed and nothing else, even when the socket mode was widened', (t) => {
  // Defence in depth: an admin's chmod 666 must not let anyone in.
  chmodSync(b.socket, 0o666);
  t.after(() => chmodSync(b.socket, 0o660));
  const { reply } = asNobody(b.socket, ['--clear-groups']);
  const msg = JSON.parse(reply) as { id: unknown; error: { code: number; message: string }; result?: unknown };
  assert.equal(msg.id, null);
  assert.equal(msg.result, undefined);
  assert.equal(msg.error.code, ErrorCode.NotAllowed);
  assert.match(msg.error.message, /uid 65534 is not allowed/);
  const audit = readFileSync(b.audit, 'utf8');
  assert.match(audit, /"uid":65534.*"result":"refused"/);
});

test('nobody in the allowed group (supplementary) gets a hello answer', () => {
  const { reply } = asNobody(b.socket, [`--groups=${GID}`]);
  const msg = JSON.parse(reply) as { id: number; result: { protocol: number; peer: { uid: number } } };
  assert.equal(msg.id, 1);
  assert.equal(msg.result.protocol, 1);
  assert.equal(msg.result.peer.uid, 65534);
});

test('root is served and the audit log names who did what', async () => {
  const c = await b.connect('audit-test');
  try {
    const r = await c.request('list', {});
    assert.ok(Array.isArray(r.containers));
  } finally {
    c.close();
  }
  const lines = readFileSync(b.audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { uid: number; method: string; result: string });
  assert.ok(lines.some((l) => l.uid === 0 && l.method === 'list' && l.result === 'ok'));
});

test('a second berthd on the same root refuses to start', async () => {
  const { spawnSync: run } = await import('node:child_process');
  const { BERTHD } = await import('./harness');
  const r = run(process.execPath, [BERTHD, '--root', b.root, '--socket', `${dir}/other.sock`, '--audit-log', `${dir}/other.log`], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /another berthd is running on it/);
});
