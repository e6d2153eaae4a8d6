// `berth exec` against a real busybox container (dist/berth, private --root):
// the exec'd process must share every namespace and the cgroups of the
// container's init, and get its own process settings from runc's flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, read, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostLayout } from '../../helper/linux/cgroups';
import { Agent } from '../seccomp/agent';
import { BERTH, nsLink, runningContainer } from './helpers';

const NS = ['ipc', 'mnt', 'net', 'pid', 'uts', 'cgroup'];

test('exec joins every namespace of the init: same hostname, pid namespace, mounts', (t) => {
  const c = runningContainer(t);
  const r = c.exec(['sh', '-c', `hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; for n in ${NS.join(' ')}; do readlink /proc/self/ns/$n; done`]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'berth');
  assert.equal(lines[1].trim(), 'sleep 1000', 'pid 1 of the exec\'d process\'s pid namespace is the container\'s init');
  // Inside, /proc/self/ns/pid names the pid namespace of the process itself.
  assert.deepEqual(lines.slice(2), NS.map((n) => nsLink(c.pid, n)));
  // A file one exec writes to the container's /dev/shm (a tmpfs of its own) is seen by the next.
  assert.equal(c.exec(['sh', '-c', 'echo shared > /dev/shm/mark']).status, 0);
  assert.equal(c.exec(['cat', '/dev/shm/mark']).stdout, 'shared');
});

test('exec relays the exit status and reports a missing command with its pointer', (t) => {
  const c = runningContainer(t);
  assert.equal(c.exec(['sh', '-c', 'exit 7']).status, 7);
  const r = c.exec(['no-such-command']);
  assert.equal(r.status, 255, 'exec that cannot start its process exits 255, as runc');
  assert.match(r.stderr, /exec `no-such-command`: executable file not found in \$PATH/);
  assert.match(r.stderr, /pointer="?\/process\/args\/0/);
});

test('exec flags: --env, --cwd, --user, --additional-gids, --cap, and the config\'s noNewPrivileges', (t) => {
  const c = runningContainer(t);
  const r = c.exec(['sh', '-c', 'echo $FOO; pwd; id -u; id -g; id -G; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status'],
    ['--env', 'FOO=bar baz', '--cwd', '/tmp', '--user', '1000:1001', '--additional-gids', '7', '--cap', 'CAP_NET_ADMIN']);
  assert.equal(r.status, 0, r.stderr);
  const [foo, cwd, uid, gid, groups, capEff, nnp] = r.stdout.split('\n');
  assert.equal(foo, 'bar baz');
  assert.equal(cwd, '/tmp');
  assert.equal(uid, '1000');
  assert.equal(gid, '1001');
  assert.deepEqual(groups.split(' ').sort(), ['1001', '7']);
  // A non-root user keeps no effective capabilities unless ambient; root keeps the config's plus --cap.
  assert.match(capEff, /CapEff:\s+0000000000000000/);
  assert.match(nnp, /NoNewPrivs:\s+1/);
  const root = c.exec(['grep', 'CapEff', '/proc/self/status'], ['--cap', 'CAP_NET_ADMIN']);
  // CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29) from the config, CAP_NET_ADMIN (12) added.
  assert.match(root.stdout, /CapEff:\s+0000000020001420/);
});

test('exec --env replaces a variable the container already has, in place, and adds new ones', (t) => {
  const c = runningContainer(t);
  // busybox env prints the environment as the process got it: one PATH, the new value.
  const r = c.exec(['env'], ['--env', 'PATH=/usr/bin:/bin', '-e', 'NEW=1']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.deepEqual(lines.filter((l) => l.startsWith('PATH=')), ['PATH=/usr/bin:/bin']);
  assert.ok(lines.includes('NEW=1'), r.stdout);
});

test('exec --process takes the whole process from a JSON file', (t) => {
  const c = runningContainer(t);
  const dir = mkdtempSync(join(tmpdir(), 'berth-exec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'process.json');
  writeFileSync(file, JSON.stringify({ user: { uid: 5, gid: 6 }, args: ['sh', '-c', 'echo $X; id -u; id -g; pwd'], env: ['X=from-file', 'PATH=/bin'], cwd: '/etc' }));
  const r = c.berth(['exec', '--process', file, c.id]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['from-file', '5', '6', '/etc']);
});

test('exec --preserve-fds passes fd 3 through', (t) => {
  const c = runningContainer(t);
  const dir = mkdtempSync(join(tmpdir(), 'berth-exec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'out');
  const fd = openSync(out, 'w');
  try {
    const r = c.berth(['exec', '--preserve-fds', '1', c.id, '--', 'sh', '-c', 'echo through-fd3 >&3'], { stdio: ['ignore', 'pipe', 'pipe', fd] });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    closeSync(fd);
  }
  assert.equal(readFileSync(out, 'utf8'), 'through-fd3\n');
});

test('exec --detach --pid-file leaves the process running in the container\'s cgroups and namespaces', (t) => {
  const c = runningContainer(t);
  // Put the init in a cgroup of our own, so joining "the init's cgroup" is visible.
  const layout = hostLayout();
  const mount = layout.v1.get('pids') ?? layout.unified;
  assert.ok(mount, 'no pids or cgroup2 hierarchy on this host');
  const cg = join(mount.mountpoint, `berth-exec-test-${process.pid}`);
  mkdirSync(cg);
  t.after(() => {
    for (let i = 0; i < 50; i++) {
      try {
        rmdirSync(cg);
        return;
      } catch {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
  });
  writeFileSync(join(cg, 'cgroup.procs'), String(c.pid));
  const dir = mkdtempSync(join(tmpdir(), 'berth-exec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pidFile = join(dir, 'pid');
  // The detached process keeps exec's stdio: not pipes, or spawnSync would wait for it.
  const r = c.berth(['exec', '--detach', '--pid-file', pidFile, c.id, 'sleep', '1000'], { stdio: 'ignore' });
  assert.equal(r.status, 0, r.stderr);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  t.after(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  assert.equal(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), 'sleep\u00001000\u0000');
  // Adopted by a host-side reaper (a subreaper such as conmon, or the host's init), never berth's child nor the container's init.
  const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  assert.notEqual(ppid, c.pid);
  assert.doesNotMatch(readFileSync(`/proc/${ppid}/cmdline`, 'utf8'), /berth|exec\.js/, `parent ${ppid} of the detached process`);
  if (ppid !== 1) assert.equal(nsLink(ppid, 'pid'), nsLink('self', 'pid'));
  for (const n of NS) assert.equal(nsLink(pid, n), nsLink(c.pid, n), `${n} namespace`);
  const procs = readFileSync(join(cg, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  assert.ok(procs.includes(pid), `exec'd pid ${pid} not in ${cg}: ${procs}`);
  assert.equal(readFileSync(`/proc/${pid}/cgroup`, 'utf8'), readFileSync(`/proc/${c.pid}/cgroup`, 'utf8'));
});

test('exec --tty --console-socket sends the pty master; the process has it as controlling terminal', async (t) => {
  const c = runningContainer(t);
  const dir = mkdtempSync(join(tmpdir(), 'berth-exec-'));
  const agent = new Agent(join(dir, 'console.sock'));
  t.after(() => {
    agent.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const received = agent.receiveRaw();
  const child = spawn(BERTH, ['--root', c.root, 'exec', '--tty', '--detach', '--console-socket', agent.path, c.id, '--', 'sh', '-c', 'tty; [ -t 0 ] && echo isatty; cut -d" " -f7 /proc/self/stat; sleep 1'], { stdio: 'ignore' });
  const status = await new Promise<number | null>((res) => child.on('exit', res));
  assert.equal(status, 0);
  const { fd, data } = await received;
  t.after(() => closeSync(fd));
  assert.match(data, /^\/dev\/pts\/\d+$/);
  let out = '';
  const buf = Buffer.alloc(4096);
  const deadline = Date.now() + 10000;
  while (!/isatty\r?\n\d+/.test(out) && Date.now() < deadline) {
    const n = await new Promise<number>((res) => read(fd, buf, 0, buf.length, null, (err, k) => res(err ? 0 : k)));
    if (n === 0) break;
    out += buf.subarray(0, n).toString();
  }
  const lines = out.split(/\r?\n/);
  assert.equal(lines[0], data, 'the process\'s tty is the pty whose master we got');
  assert.equal(lines[1], 'isatty');
  assert.notEqual(Number(lines[2]), 0, 'tty_nr in /proc/self/stat: a controlling terminal is set');
});

test('exec refuses a stopped container and an unknown one', (t) => {
  const c = runningContainer(t);
  c.berth(['kill', c.id, 'KILL']);
  for (let i = 0; i < 100 && JSON.parse(c.berth(['state', c.id]).stdout).status !== 'stopped'; i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  const r = c.exec(['true']);
  assert.equal(r.status, 255);
  assert.match(r.stderr, /cannot exec in container `.*`: it is stopped/);
  const u = c.berth(['exec', 'no-such-container', 'true']);
  assert.equal(u.status, 255);
  assert.match(u.stderr, /container `no-such-container` does not exist/);
});

test('exec applies the container\'s seccomp filter: mkdir gets the configured errno', (t) => {
  const c = runningContainer(t, (s) => {
    s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 95 }] };
  });
  const r = c.exec(['sh', '-c', 'mkdir /dev/shm/denied 2>&1; echo status=$?; grep -E "^Seccomp:" /proc/self/status']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Operation not supported/);
  assert.match(r.stdout, /status=1/);
  assert.match(r.stdout, /Seccomp:\s+2/);
});

test('exec: flags end at the command, as with runc (`exec <id> ls -la`)', (t) => {
  const c = runningContainer(t);
  const r = c.berth(['exec', '-e', 'A=1', c.id, 'sh', '-c', 'echo "$A $1 $2"', 'sh', '-h', '--env']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1 -h --env');
  const l = c.berth(['exec', c.id, 'ls', '-ld', '/proc/1']);
  assert.equal(l.status, 0, l.stderr);
  assert.match(l.stdout, /^dr-xr-xr-x .* \/proc\/1$/m);
});
