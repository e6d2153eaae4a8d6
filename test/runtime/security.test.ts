// What must never reach the container or escape it: host fds beyond 0-2 and
// --preserve-fds (runc's CVE-2024-21626), mounts sent outside the rootfs by a
// symlink in it.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeBundle } from '../fixtures/bundle';
import { BERTH, ensureBuilt, Runner } from './harness';

describe('isolation', () => {
  let r: Runner;
  before(() => {
    ensureBuilt();
    r = new Runner();
  });
  after(() => r.cleanup());

  test('no stray fds: the process has 0-2 only (ls adds 3 for the directory it reads)', () => {
    const b = makeBundle(['ls', '/proc/self/fd']);
    try {
      const x = r.run(['run', '-b', b.dir, 'fds']);
      assert.equal(x.status, 0, x.stderr);
      assert.deepEqual(x.stdout.trim().split(/\s+/), ['0', '1', '2', '3']);
    } finally {
      b.cleanup();
    }
  });

  test('--preserve-fds passes exactly fds 3..3+N-1', () => {
    const b = makeBundle(['sh', '-c', 'cat <&3; ls /proc/self/fd | tr "\\n" " "']);
    const extra = join(b.dir, 'extra');
    require('node:fs').writeFileSync(extra, 'via-fd-3\n');
    const fd3 = openSync(extra, 'r');
    const fd4 = openSync('/dev/null', 'r');
    const out = openSync(join(b.dir, 'out'), 'w');
    try {
      const x = r.run(['run', '--preserve-fds', '2', '-b', b.dir, 'pfds'], { stdio: ['ignore', out, out, fd3, fd4] });
      assert.equal(x.status, 0);
      const text = readFileSync(join(b.dir, 'out'), 'utf8');
      assert.match(text, /via-fd-3/);
      // sh's fds 0-4 plus ls's directory fd 5: nothing else.
      assert.deepEqual(text.split('\n')[1].trim().split(' '), ['0', '1', '2', '3', '4', '5']);
    } finally {
      closeSync(fd3);
      closeSync(fd4);
      closeSync(out);
      b.cleanup();
    }
  });

  test('a symlinked mount destination stays inside the rootfs', () => {
    const probe = `berth-escape-probe-${process.pid}`;
    const b = makeBundle(['sh', '-c', `grep ${probe} /proc/self/mountinfo | cut -d" " -f5`], (s) => {
      s.mounts!.push({ destination: `/abs/${probe}-a`, type: 'tmpfs', source: 'tmpfs' });
      s.mounts!.push({ destination: `/rel/${probe}-b`, type: 'tmpfs', source: 'tmpfs' });
    });
    symlinkSync('/', join(b.rootfs, 'abs'));
    symlinkSync('../../../../../../../../..', join(b.rootfs, 'rel'));
    b.write();
    try {
      const x = r.run(['run', '-b', b.dir, 'symlink']);
      assert.equal(x.status, 0, x.stderr);
      assert.equal(existsSync(`/${probe}-a`), false, 'nothing created on the host');
      assert.equal(existsSync(`/${probe}-b`), false, 'nothing created on the host');
      assert.ok(existsSync(join(b.rootfs, `${probe}-a`)), 'created at the rootfs top instead');
      assert.deepEqual(x.stdout.trim().split('\n').sort(), [`/${probe}-a`, `/${probe}-b`]);
    } finally {
      b.cleanup();
    }
  });

  test('a symlink in the rootfs cannot redirect a linux.devices node out of it', () => {
    const b = makeBundle(['true'], (s) => {
      s.linux!.devices = [{ type: 'c', path: '/devlink/berth-null', major: 1, minor: 3, fileMode: 0o600 }];
    });
    symlinkSync('/', join(b.rootfs, 'devlink'));
    b.write();
    try {
      const x = r.run(['run', '-b', b.dir, 'devlink']);
      assert.equal(x.status, 0, x.stderr);
      assert.equal(existsSync('/berth-null'), false);
      assert.ok(existsSync(join(b.rootfs, 'berth-null')));
    } finally {
      b.cleanup();
    }
  });

  test('--pid-file: a symlink planted at its temp name is not followed (root would write through it)', () => {
    // The temp name holds berth's pid: the shell plants the link under its own pid, then execs berth.
    const b = makeBundle(['true']);
    const victim = join(b.dir, 'victim');
    writeFileSync(victim, 'precious\n');
    const pidFile = join(b.dir, 'init.pid');
    const id = r.id('pidlink');
    // A file, not a pipe: the container's init inherits it.
    const err = openSync(join(b.dir, 'stderr'), 'w');
    try {
      const x = spawnSync('sh', ['-c', `ln -s "$1" "$2.$$.tmp" && exec "$3" --root "$4" create --pid-file "$2" -b "$5" "$6"`, 'sh', victim, pidFile, BERTH, r.root, b.dir, id], {
        stdio: ['ignore', 'ignore', err], timeout: 20_000,
      });
      assert.equal(x.status, 0, readFileSync(join(b.dir, 'stderr'), 'utf8'));
      assert.equal(readFileSync(victim, 'utf8'), 'precious\n', 'the symlink\'s target is untouched');
      assert.equal(readFileSync(pidFile, 'utf8'), String(r.state('pidlink').pid));
      assert.equal(lstatSync(pidFile).isFile(), true);
    } finally {
      closeSync(err);
      r.run(['delete', '--force', 'pidlink']);
      b.cleanup();
    }
  });

  test('a symlink in the rootfs cannot lead a volume onto /proc, nor make /proc a tree of the volume', () => {
    // Both ways the init's own /proc writes (oom_score_adj here, the LSM exec label likewise) and its wait
    // for `start` (/proc/self/fd/N) went to the attacker's files: the process ran during `create`.
    const vol = mkdtempSync(join(tmpdir(), 'berth-vol-'));
    for (const top of ['', 'proc/self/']) {
      mkdirSync(join(vol, top, 'fd'), { recursive: true });
      for (let i = 0; i < 64; i++) writeFileSync(join(vol, top, 'fd', String(i)), '');
      writeFileSync(join(vol, top, 'oom_score_adj'), 'fake\n');
    }
    const onto = makeBundle(['true'], (s) => {
      s.process!.oomScoreAdj = 500;
      s.mounts!.push({ destination: '/vol', type: 'bind', source: vol, options: ['bind'] });
    });
    symlinkSync('/proc/self', join(onto.rootfs, 'vol'));
    const fake = makeBundle(['true'], (s) => {
      s.process!.oomScoreAdj = 500;
      s.mounts!.push({ destination: '/vol', type: 'bind', source: vol, options: ['bind'] });
    });
    rmdirSync(join(fake.rootfs, 'proc'));
    symlinkSync('/vol/proc', join(fake.rootfs, 'proc'));
    try {
      const x = r.run(['create', '-b', onto.dir, 'procvol']);
      assert.notEqual(x.status, 0);
      assert.match(x.stderr, /destination `\/vol` resolves into \/proc through a symlink in the rootfs/);
      const y = r.run(['create', '-b', fake.dir, 'procfake']);
      assert.notEqual(y.status, 0);
      assert.match(y.stderr, /\/proc is not procfs/);
      assert.equal(readFileSync(join(vol, 'oom_score_adj'), 'utf8'), 'fake\n');
      assert.equal(readFileSync(join(vol, 'proc/self/oom_score_adj'), 'utf8'), 'fake\n');
    } finally {
      r.run(['delete', '--force', 'procvol']);
      r.run(['delete', '--force', 'procfake']);
      onto.cleanup();
      fake.cleanup();
      rmSync(vol, { recursive: true, force: true });
    }
  });

  test('masked files are covered with the null device only: a rootfs\'s /dev/null symlink is refused (runc\'s CVE-2025-31133)', () => {
    // Without a /dev mount the rootfs's own /dev/null stays; bound by path it put /proc/timer_list over
    // /proc/keys and left /proc/timer_list itself unmasked.
    const b = makeBundle(['cat', '/proc/timer_list'], (s) => {
      s.mounts = s.mounts!.filter((m) => !m.destination.startsWith('/dev'));
    });
    symlinkSync('/proc/timer_list', join(b.rootfs, 'dev/null'));
    try {
      const x = r.run(['run', '-b', b.dir, 'devnull']);
      assert.notEqual(x.status, 0);
      assert.doesNotMatch(x.stdout, /Timer List/);
      assert.match(x.stderr, /`\/dev\/null` in the container is not the null device.*pointer="\/linux\/maskedPaths\/\d+"/);
    } finally {
      r.run(['delete', '--force', 'devnull']);
      b.cleanup();
    }
  });

  test('NOTIFY_SOCKET: `start` never chmods the container\'s socket by path (a symlink renamed over it reached a host file)', () => {
    // The notify directory is the container's; `start` with NOTIFY_SOCKET on a running container binds a fresh
    // socket there, and chmodded it by path after the bind.
    const dir = mkdtempSync(join(tmpdir(), 'berth-notify-race-'));
    const hostSocket = join(dir, 'host.sock');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'x', { mode: 0o600 });
    // Three racing loops: before the fix the victim turned 0777 within 6 starts in 5 runs out of 5.
    const race = `for k in 1 2 3; do (while :; do rm -f notify; ln -s ${victim} t$k; mv -f t$k notify; done) & done; wait`;
    const b = makeBundle(['sh', '-c', `cd ${hostSocket} && ${race}`], (s) => {
      s.root!.readonly = false;
    });
    // Only the path matters: nothing is ever relayed to it.
    const env = { ...process.env, NOTIFY_SOCKET: hostSocket };
    try {
      const created = spawnSync(BERTH, ['--root', r.root, 'create', '-b', b.dir, r.id('nrace')], { stdio: 'ignore', env, timeout: 20_000 });
      assert.equal(created.status, 0);
      assert.equal(r.run(['start', 'nrace']).status, 0);
      for (let i = 0; i < 12; i++) {
        spawnSync(BERTH, ['--root', r.root, 'start', r.id('nrace')], { stdio: 'ignore', env, timeout: 20_000 });
        assert.equal(statSync(victim).mode & 0o777, 0o600, `after ${i + 1} start(s)`);
      }
    } finally {
      r.run(['delete', '--force', 'nrace']);
      b.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a config.json that is a fifo or a device is refused at once, not read (berthd would block on it)', () => {
    const b = makeBundle(['true']);
    try {
      rmSync(join(b.dir, 'config.json'));
      execFileSync('mkfifo', [join(b.dir, 'config.json')]);
      const fifo = r.run(['create', '-b', b.dir, 'cfgfifo'], { timeoutMs: 5000 });
      assert.notEqual(fifo.status, 0);
      assert.match(fifo.stderr, /config\.json`: not a regular file/);
      rmSync(join(b.dir, 'config.json'));
      symlinkSync('/dev/zero', join(b.dir, 'config.json'));
      const zero = r.run(['create', '-b', b.dir, 'cfgzero'], { timeoutMs: 5000 });
      assert.notEqual(zero.status, 0);
      assert.match(zero.stderr, /config\.json`: not a regular file/);
    } finally {
      b.cleanup();
    }
  });

  test('a rootfs that is a symlink is refused, as runc does (the config shows `rootfs`, the container would run in the link\'s target)', () => {
    // `host` stands for a host directory such as /usr; the bundle's config.json looks harmless.
    const host = makeBundle(['true']);
    const b = makeBundle(['sh', '-c', 'echo pwned > /pwned'], (s) => {
      s.root!.readonly = false;
    });
    rmSync(b.rootfs, { recursive: true });
    symlinkSync(host.rootfs, b.rootfs);
    try {
      const x = r.run(['run', '-b', b.dir, 'rootlink']);
      assert.notEqual(x.status, 0);
      assert.match(x.stderr, /root\.path `rootfs` leads through a symlink to .*pointer="\/root\/path"/);
      assert.equal(existsSync(join(host.rootfs, 'pwned')), false);
    } finally {
      r.run(['delete', '--force', 'rootlink']);
      b.cleanup();
      host.cleanup();
    }
  });

  test('resources.unified may not write cgroup.procs: root would pull any host process into the container\'s cgroup, and delete kills it', (t) => {
    if (!existsSync('/sys/fs/cgroup/unified/cgroup.procs') && !existsSync('/sys/fs/cgroup/cgroup.procs')) {
      t.skip('no cgroup2 hierarchy on this host: resources.unified has nowhere to write');
      return;
    }
    const victim = spawn('sleep', ['60'], { stdio: 'ignore' });
    const before = readFileSync(`/proc/${victim.pid}/cgroup`, 'utf8');
    const b = makeBundle(['true'], (s) => {
      s.linux!.resources = { ...s.linux!.resources, unified: { 'cgroup.procs': String(victim.pid) } };
    });
    try {
      const x = r.run(['run', '-b', b.dir, 'unifiedprocs']);
      assert.notEqual(x.status, 0);
      assert.match(x.stderr, /cgroup\.procs is not a resource.*pointer="\/linux\/resources\/unified\/cgroup\.procs"/);
      assert.equal(readFileSync(`/proc/${victim.pid}/cgroup`, 'utf8'), before, 'the victim stayed in its cgroups');
      assert.equal(victim.exitCode ?? victim.signalCode, null, 'and alive');
    } finally {
      r.run(['delete', '--force', 'unifiedprocs']);
      victim.kill('SIGKILL');
      b.cleanup();
    }
  });

  test('the created init waits as PID 1 of its own pid namespace, before the user process runs', () => {
    const b = makeBundle(['true']);
    try {
      assert.equal(r.run(['create', '-b', b.dir, 'waiting']).status, 0);
      const pid = r.state('waiting').pid;
      assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /NSpid:\s+\d+\s+1\n/);
      assert.ok(readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('init.js'));
      assert.notEqual(require('node:fs').readlinkSync(`/proc/${pid}/ns/mnt`), require('node:fs').readlinkSync('/proc/self/ns/mnt'));
    } finally {
      r.run(['delete', '--force', 'waiting']);
      b.cleanup();
    }
  });
});
