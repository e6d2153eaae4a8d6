// Rootfs variants and namespaces: bind mounts with their flags and
// propagation, --no-pivot, linux.devices, namespaces joined by path (and the
// errors when the path is wrong), rootfsPropagation.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeBundle } from '../fixtures/bundle';
import { ensureBuilt, Runner, until } from './harness';

describe('rootfs and namespaces', () => {
  let r: Runner;
  before(() => {
    ensureBuilt();
    r = new Runner();
  });
  after(() => r.cleanup());

  test('bind mounts: ro, rbind, a single file, flags applied by remount; rootfsPropagation', () => {
    const b = makeBundle(['sh', '-c', [
      'cat /data/hello',
      '(echo x > /data/new) 2>/dev/null && echo data=writable || echo data=readonly',
      'cat /etc/berth-file',
      'grep -E " /(data|etc/berth-file|rw) " /proc/self/mountinfo | cut -d" " -f5,6',
    ].join('; ')], (s) => {
      s.linux!.rootfsPropagation = 'private';
      s.mounts!.push({ destination: '/data', type: 'bind', source: 'hostdata', options: ['rbind', 'ro', 'nosuid', 'nodev'] });
      s.mounts!.push({ destination: '/etc/berth-file', type: 'none', source: 'hostfile', options: ['bind', 'ro'] });
      s.mounts!.push({ destination: '/rw', type: 'bind', source: 'hostdata', options: ['bind', 'rw', 'noexec', 'rprivate'] });
    });
    mkdirSync(join(b.dir, 'hostdata'));
    writeFileSync(join(b.dir, 'hostdata/hello'), 'hello from the host\n');
    writeFileSync(join(b.dir, 'hostfile'), 'a single file\n');
    try {
      const x = r.run(['run', '-b', b.dir, 'binds']);
      assert.equal(x.status, 0, x.stderr);
      assert.match(x.stdout, /hello from the host/);
      assert.match(x.stdout, /data=readonly/);
      assert.match(x.stdout, /a single file/);
      assert.match(x.stdout, /^\/data ro,nosuid,nodev/m);
      assert.match(x.stdout, /^\/etc\/berth-file ro/m);
      assert.match(x.stdout, /^\/rw rw,noexec/m);
    } finally {
      b.cleanup();
    }
  });

  test('a destination through a dangling symlink is created at its target inside the rootfs; rprivate accepted', () => {
    const b = makeBundle(['sh', '-c', 'cat /etc/not-existing; ls /foo/bar/not; ls /dir-link-target'], (s) => {
      s.linux!.rootfsPropagation = 'rprivate';
      s.mounts!.push({ destination: '/etc/not-existing', type: 'bind', source: 'hostfile', options: ['bind'] });
      s.mounts!.push({ destination: '/dir-link/sub', type: 'tmpfs', source: 'tmpfs' });
    });
    writeFileSync(join(b.dir, 'hostfile'), 'through the link\n');
    symlinkSync('../foo/bar/not/here', join(b.rootfs, 'etc/not-existing'));
    symlinkSync('/dir-link-target', join(b.rootfs, 'dir-link'));
    try {
      const x = r.run(['run', '-b', b.dir, 'dangling']);
      assert.equal(x.status, 0, x.stderr);
      assert.match(x.stdout, /through the link\nhere\nsub\n/);
      assert.doesNotMatch(x.stderr, /rootfsPropagation/, 'rprivate is tolerated silently, as runc does');
      assert.ok(existsSync(join(b.rootfs, 'foo/bar/not/here')), 'target created inside the rootfs');
      assert.ok(existsSync(join(b.rootfs, 'dir-link-target/sub')));
    } finally {
      b.cleanup();
    }
  });

  test('recursive attributes (rro, rnosuid) reach every submount of an rbind', () => {
    // The host's /sys has submounts (/sys/fs/cgroup/...), so an rbind of it is a tree.
    const b = makeBundle(['sh', '-c', 'grep -E " /hostsys(/fs/cgroup)? " /proc/self/mountinfo | cut -d" " -f5,6; grep -c " /hostsys/" /proc/self/mountinfo'], (s) => {
      s.mounts!.push({ destination: '/hostsys', type: 'bind', source: '/sys', options: ['rbind', 'rro', 'rnosuid'] });
    });
    try {
      const x = r.run(['run', '-b', b.dir, 'rro']);
      assert.equal(x.status, 0, x.stderr);
      const lines = x.stdout.trim().split('\n');
      assert.ok(Number(lines.pop()) > 0, 'the rbind brought submounts');
      assert.ok(lines.length >= 2, x.stdout);
      for (const l of lines) assert.match(l, /^\/hostsys\S* ro,nosuid/, l);
    } finally {
      b.cleanup();
    }
  });

  test('--no-pivot: MS_MOVE + chroot gives the same root', () => {
    const b = makeBundle(['sh', '-c', 'ls /; cat /proc/self/mountinfo | cut -d" " -f5 | head -1']);
    try {
      const x = r.run(['run', '--no-pivot', '-b', b.dir, 'nopivot']);
      assert.equal(x.status, 0, x.stderr);
      assert.match(x.stdout, /\bbin\b/);
      assert.doesNotMatch(x.stdout, /\bwork\b|\bhome\b/, 'no host directories at /');
    } finally {
      b.cleanup();
    }
  });

  test('linux.devices: mknod with type, numbers, mode, uid and gid', () => {
    const b = makeBundle(['sh', '-c', 'ls -ln /dev/mynull /dev/sub/myzero | cut -c1-10,11-30; head -c 3 /dev/sub/myzero | wc -c'], (s) => {
      s.linux!.devices = [
        { type: 'c', path: '/dev/mynull', major: 1, minor: 3, fileMode: 0o640, uid: 12, gid: 34 },
        { type: 'c', path: '/dev/sub/myzero', major: 1, minor: 5, fileMode: 0o600 },
      ];
    });
    try {
      const x = r.run(['run', '-b', b.dir, 'devices']);
      assert.equal(x.status, 0, x.stderr);
      assert.match(x.stdout, /^crw-r-----\s+1\s+12\s+34/m);
      assert.match(x.stdout, /^crw-------\s+1\s+0\s+0/m);
      assert.match(x.stdout, /^3$/m);
    } finally {
      b.cleanup();
    }
  });

  test('namespaces joined by path share the other container\'s; a bad path names the field', async () => {
    const a = makeBundle(['sh', '-c', 'trap "exit 0" TERM; sleep 300 & wait']);
    try {
      assert.equal(r.run(['run', '-d', '-b', a.dir, 'ns-a']).status, 0);
      const pid = r.state('ns-a').pid;
      await until(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sh'), 5000, 'sh');
      const b = makeBundle(['sh', '-c', 'for n in net uts ipc; do readlink /proc/self/ns/$n; done; hostname'], (s) => {
        s.hostname = undefined;
        s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' || n.type === 'uts' || n.type === 'ipc' ? { ...n, path: `/proc/${pid}/ns/${n.type === 'network' ? 'net' : n.type}` } : n));
      });
      try {
        const x = r.run(['run', '-b', b.dir, 'ns-b']);
        assert.equal(x.status, 0, x.stderr);
        const [net, uts, ipc, host] = x.stdout.trim().split('\n');
        assert.equal(net, readlinkSync(`/proc/${pid}/ns/net`));
        assert.equal(uts, readlinkSync(`/proc/${pid}/ns/uts`));
        assert.equal(ipc, readlinkSync(`/proc/${pid}/ns/ipc`));
        assert.equal(host, 'berth');

        b.spec.linux!.namespaces = b.spec.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: '/nonexistent/ns/net' } : n));
        b.write();
        const bad = r.run(['run', '-b', b.dir, 'ns-bad']);
        assert.equal(bad.status, 1);
        assert.match(bad.stderr, /\/nonexistent\/ns\/net/);
        assert.match(bad.stderr, /pointer="\/linux\/namespaces\/\d+\/path"/);

        b.spec.linux!.namespaces = b.spec.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: `/proc/${pid}/ns/uts` } : n));
        b.write();
        const wrong = r.run(['run', '-b', b.dir, 'ns-wrong']);
        assert.equal(wrong.status, 1, 'a uts namespace given as network must fail');
        assert.match(wrong.stderr, /pointer="\/linux\/namespaces\/\d+\/path"/);
      } finally {
        b.cleanup();
      }
    } finally {
      r.run(['delete', '--force', 'ns-a']);
      a.cleanup();
    }
  });

  test('without a mount namespace berth refuses to touch the host\'s mounts', () => {
    const b = makeBundle(['true'], (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'mount');
    });
    try {
      const x = r.run(['run', '-b', b.dir, 'nomnt']);
      assert.equal(x.status, 1);
      assert.match(x.stderr, /mount namespace/);
    } finally {
      b.cleanup();
    }
  });
});
