// What the process sees from inside the container, checked on berth and, on
// the same bundle, on runc: pid 1, hostname, user and groups, umask, cwd,
// env, capabilities, rlimits, masked and read-only paths, sysctl, and the
// mount table.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { ensureBuilt, hasRunc, runcPath, Runner } from './harness';

const SCRIPT = [
  'echo "pid=$$"',
  'echo "hostname=$(hostname)"',
  'echo "domainname=$(cat /proc/sys/kernel/domainname)"',
  'echo "id=$(id)"',
  'echo "umask=$(umask)"',
  'echo "cwd=$(pwd)"',
  'echo "FOO=$FOO"',
  'echo "HOME=$HOME"',
  'grep -E "^(Cap|NoNewPrivs|Groups)" /proc/self/status',
  'echo "nofile=$(ulimit -n)/$(ulimit -Hn)"',
  'echo "oom=$(cat /proc/self/oom_score_adj)"',
  'echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"',
  'echo "keys=$(wc -c < /proc/keys)"',
  'echo "firmware=$(ls /sys/firmware | wc -l)"',
  '(echo x > /proc/sysrq-trigger) 2>/dev/null && echo sysrq=writable || echo sysrq=readonly',
  '(touch /rootfile) 2>/dev/null && echo root=writable || echo root=readonly',
  '(touch /tmp/work/f) 2>/dev/null && echo tmp=writable || echo tmp=readonly',
  'echo "devnull=$(ls -l /dev/null | cut -c1-10)"',
  'echo "dev=$(ls /dev | tr "\\n" " ")"',
  'echo "links=$(readlink /dev/fd) $(readlink /dev/stdin) $(readlink /dev/ptmx)"',
  'echo "mnt-begin"; cut -d" " -f5,6 /proc/self/mountinfo; echo "mnt-end"',
].join('; ');

function bundle(): Bundle {
  return makeBundle(['sh', '-c', SCRIPT], (s) => {
    s.hostname = 'inside';
    s.domainname = 'example.org';
    s.process!.user = { uid: 1000, gid: 1000, umask: 0o027, additionalGids: [5, 7] };
    s.process!.cwd = '/tmp/work';
    s.process!.env!.push('FOO=bar baz');
    s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 512, hard: 768 }];
    s.process!.oomScoreAdj = 100;
    s.process!.capabilities = {
      bounding: ['CAP_KILL', 'CAP_CHOWN', 'CAP_NET_BIND_SERVICE'],
      permitted: ['CAP_KILL', 'CAP_CHOWN'],
      effective: ['CAP_KILL', 'CAP_CHOWN'],
      inheritable: ['CAP_KILL'],
      ambient: ['CAP_KILL'],
    };
    s.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };
    s.mounts!.push({ destination: '/tmp/work', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=1m'] });
  });
}

function facts(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.search(/[=:]/);
    if (i > 0 && !line.includes(' - ')) m.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return m;
}

function mounts(out: string): string[] {
  const s = out.slice(out.indexOf('mnt-begin') + 10, out.indexOf('mnt-end')).trim().split('\n');
  // cgroup hierarchies are laid out by each runtime its own way (and runc leaves
  // the tmpfs holding them writable despite `ro`); compare the rest.
  return s.filter((l) => !l.startsWith('/sys/fs/cgroup')).sort();
}

describe('inside the container', () => {
  let b: Bundle;
  let berth: Runner;
  let out = '';
  before(() => {
    ensureBuilt();
    b = bundle();
    berth = new Runner();
    const r = berth.run(['run', '-b', b.dir, 'inside']);
    assert.equal(r.status, 0, r.stderr);
    out = r.stdout;
  });
  after(() => {
    berth.cleanup();
    b.cleanup();
  });

  test('pid 1, hostname, domainname', () => {
    const f = facts(out);
    assert.equal(f.get('pid'), '1');
    assert.equal(f.get('hostname'), 'inside');
    assert.equal(f.get('domainname'), 'example.org');
  });

  test('user, groups, umask, cwd, env', () => {
    const f = facts(out);
    assert.equal(f.get('id'), 'uid=1000 gid=1000 groups=5(tty),7');
    assert.equal(f.get('Groups'), '5 7');
    assert.equal(f.get('umask'), '0027');
    assert.equal(f.get('cwd'), '/tmp/work');
    assert.equal(f.get('FOO'), 'bar baz');
    assert.equal(f.get('HOME'), '/', 'HOME defaults to / for a uid without a passwd entry, as runc');
  });

  test('capabilities: five sets and the bounding set', () => {
    const f = facts(out);
    // CAP_CHOWN=0, CAP_KILL=5, CAP_NET_BIND_SERVICE=10; a non-root user keeps only the ambient CAP_KILL after execve.
    assert.equal(f.get('CapBnd'), '0000000000000421');
    assert.equal(f.get('CapInh'), '0000000000000020');
    assert.equal(f.get('CapAmb'), '0000000000000020');
    assert.equal(f.get('CapPrm'), '0000000000000020');
    assert.equal(f.get('CapEff'), '0000000000000020');
    assert.equal(f.get('NoNewPrivs'), '1');
  });

  test('rlimits, oomScoreAdj, sysctl', () => {
    const f = facts(out);
    assert.equal(f.get('nofile'), '512/768');
    assert.equal(f.get('oom'), '100');
    assert.equal(f.get('ip_forward'), '1');
  });

  test('masked and read-only paths, read-only root', () => {
    const f = facts(out);
    assert.equal(f.get('keys'), '0', '/proc/keys masked by /dev/null');
    assert.equal(f.get('firmware'), '0', '/sys/firmware masked by an empty tmpfs');
    assert.equal(f.get('sysrq'), 'readonly');
    assert.equal(f.get('root'), 'readonly');
    assert.equal(f.get('tmp'), 'writable');
  });

  test('/dev: default devices and links', () => {
    const f = facts(out);
    assert.equal(f.get('devnull'), 'crw-rw-rw-');
    for (const d of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'shm', 'mqueue', 'ptmx', 'fd', 'stdin', 'stdout', 'stderr']) {
      assert.ok(f.get('dev')!.split(' ').includes(d), `/dev/${d} missing: ${f.get('dev')}`);
    }
    assert.equal(f.get('links'), '/proc/self/fd /proc/self/fd/0 pts/ptmx');
  });

  test('mountinfo: the config mounts with their options', () => {
    const m = mounts(out);
    assert.ok(m.includes('/ ro,relatime') || m.some((l) => /^\/ ro,/.test(l)), m.join('\n'));
    assert.ok(m.some((l) => /^\/proc rw,/.test(l)));
    assert.ok(m.some((l) => /^\/dev\/pts rw,nosuid,noexec/.test(l)));
    assert.ok(m.some((l) => /^\/sys ro,nosuid,nodev,noexec/.test(l)));
    assert.ok(m.some((l) => /^\/tmp\/work rw,nosuid,nodev/.test(l)));
    assert.ok(m.some((l) => /^\/proc\/sys ro,/.test(l)), 'readonlyPaths entry remounted ro');
  });

  test(hasRunc() ? 'runc on the same bundle shows the same' : 'runc side-by-side (cannot run: runc is not installed)', () => {
    assert.ok(hasRunc(), 'runc is not installed: apt-get install runc');
    const runc = new Runner(runcPath(), 'runc');
    try {
      const r = runc.run(['run', '--bundle', b.dir, 'inside-runc']);
      assert.equal(r.status, 0, r.stderr);
      const ours = facts(out);
      const theirs = facts(r.stdout);
      // runc 1.1.5 predates domainname support, and it chmods a tmpfs to the mode of the
      // directory it covers (ignoring mode=1777), so those two are checked on berth only.
      for (const k of ['pid', 'hostname', 'id', 'umask', 'cwd', 'FOO', 'HOME', 'CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs', 'Groups', 'nofile', 'oom', 'ip_forward', 'keys', 'firmware', 'sysrq', 'root', 'devnull', 'links']) {
        assert.equal(ours.get(k), theirs.get(k), `${k}: berth ${ours.get(k)} vs runc ${theirs.get(k)}`);
      }
      assert.deepEqual(mounts(out), mounts(r.stdout));
    } finally {
      runc.cleanup();
    }
  });
});
