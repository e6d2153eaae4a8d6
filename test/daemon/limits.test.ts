// What one non-root member can hold in berthd: connections are counted per
// uid, so a member opening sockets by the thousand (each an fd and up to a
// 1 MiB partial message in berthd) is refused past the cap, and root still
// connects and works. berthd's fd limit is lowered with prlimit so the
// exhaustion the cap prevents would show within a few hundred sockets.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { cleanupDir, makeDir, startBerthd, type Berthd } from './harness';

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

let b: Berthd;
let dir: string;
before(async () => {
  dir = makeDir();
  b = await startBerthd(dir, ['--strict', '--group', String(GID), '--init-pool', '0']);
  execFileSync('prlimit', ['--pid', String(b.child.pid), '--nofile=300:300']);
});
after(async () => {
  await b.stop();
  await cleanupDir(dir);
});

test('a member holding hundreds of connections is refused past its cap; berthd keeps fds for root', async (t) => {
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
