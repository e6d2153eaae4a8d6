// sd_notify through berth (helper/runtime/notify.ts): with NOTIFY_SOCKET set,
// the container gets a socket of its own, and `start` / `run -d` return only
// after its READY=1 has been relayed to the caller's socket, with the
// container's host pid as MAINPID. The sender inside the container is crun's
// test `init` (a static binary: `init systemd-notify` sends READY=1), built
// with the conformance suite.
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureSuite, SUITE_TESTS } from '../../conformance/suite';
import { bindDgram, recvDgram } from '../../helper/linux/dgram';
import { ID_MAX } from '../../helper/runtime/store';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { ensureBuilt, Runner } from './harness';

describe('NOTIFY_SOCKET', () => {
  let r: Runner;
  let dir: string;
  let hostSocket: string;
  let fd: number;
  before(() => {
    ensureBuilt();
    ensureSuite();
    r = new Runner();
    dir = mkdtempSync(join(tmpdir(), 'berth-notify-'));
    hostSocket = join(dir, 'host.sock');
    fd = bindDgram(hostSocket, 200);
  });
  after(() => {
    r.cleanup();
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A container that shows what it was given, then reports ready after `delay` seconds and stays up. */
  function bundle(delay: number): Bundle {
    const b = makeBundle(['sh', '-c', `echo "$NOTIFY_SOCKET"; grep -c " ${hostSocket} " /proc/self/mountinfo; sleep ${delay}; /sdnotify systemd-notify; sleep 30`]);
    copyFileSync(join(SUITE_TESTS, 'init'), join(b.rootfs, 'sdnotify'));
    return b;
  }

  function withNotifySocket<T>(f: () => T): T {
    process.env.NOTIFY_SOCKET = hostSocket;
    try {
      return f();
    } finally {
      delete process.env.NOTIFY_SOCKET;
    }
  }

  test('run -d returns after READY=1 was relayed with the host pid; the container sees its own socket mounted at the caller\'s path', async () => {
    const b = bundle(0.5);
    try {
      const x = withNotifySocket(() => r.run(['run', '-d', '-b', b.dir, 'nrun']));
      assert.equal(x.status, 0, x.stderr);
      // Already there when run returned: the container only sent it half a second after it started.
      const msg = await recvDgram(fd);
      assert.ok(msg, 'READY=1 reached the caller\'s socket before run -d returned');
      const [env, mounted] = readFileSync(r.stdoutPath, 'utf8').trim().split('\n');
      const pid = r.state('nrun').pid;
      assert.deepEqual(msg.toString().split('\n'), ['READY=1', `MAINPID=${pid}`]);
      assert.equal(env, `${hostSocket}/notify`);
      assert.equal(mounted, '1');
    } finally {
      r.run(['delete', '--force', 'nrun']);
      b.cleanup();
    }
  });

  test('create without, start with: start waits for READY=1; without NOTIFY_SOCKET nothing is mounted or waited for', async () => {
    const b = bundle(0.5);
    try {
      assert.equal(withNotifySocket(() => r.run(['create', '-b', b.dir, 'ncs'])).status, 0);
      const s = withNotifySocket(() => r.run(['start', 'ncs']));
      assert.equal(s.status, 0, s.stderr);
      const msg = await recvDgram(fd);
      assert.equal(msg?.toString().split('\n')[0], 'READY=1', 'relayed before start returned');
      r.run(['delete', '--force', 'ncs']);
      const plain = r.run(['run', '-d', '-b', b.dir, 'nplain']);
      assert.equal(plain.status, 0, plain.stderr);
      assert.equal(await recvDgram(fd), undefined, 'no relay without NOTIFY_SOCKET');
    } finally {
      r.run(['delete', '--force', 'ncs']);
      r.run(['delete', '--force', 'nplain']);
      b.cleanup();
    }
  });

  test(`an id of ${ID_MAX} characters: the container's socket, past the 107 bytes of a socket address, is still bound and relayed`, async () => {
    const b = bundle(0);
    const name = 'n'.repeat(ID_MAX - r.id('').length);
    try {
      // <root>/<id>/notify/notify is ~235 bytes here: start failed with "socket path … is too long" before it was bound through its directory's fd.
      const x = withNotifySocket(() => r.run(['run', '-d', '-b', b.dir, name]));
      assert.equal(x.status, 0, x.stderr);
      const msg = await recvDgram(fd);
      assert.deepEqual(msg?.toString().split('\n'), ['READY=1', `MAINPID=${r.state(name).pid}`]);
    } finally {
      r.run(['delete', '--force', name]);
      b.cleanup();
    }
  });

  test('a relative NOTIFY_SOCKET is refused naming it, and nothing is created', () => {
    const b = bundle(0);
    try {
      process.env.NOTIFY_SOCKET = 'relative.sock';
      const x = r.run(['create', '-b', b.dir, 'nrel']);
      delete process.env.NOTIFY_SOCKET;
      assert.notEqual(x.status, 0);
      assert.match(x.stderr, /NOTIFY_SOCKET `relative.sock`/);
      assert.notEqual(r.run(['state', 'nrel']).status, 0);
    } finally {
      delete process.env.NOTIFY_SOCKET;
      b.cleanup();
    }
  });
});
