// linux.devices in a container with a new user namespace: mknod is refused
// there, so the parent makes the nodes in a tmpfs attached nowhere and the
// init attaches them (helper/runtime/devnodes.ts). A node the host does not
// have works, its owner is the config's uid/gid as the container sees them,
// and the host's mount table never shows the tmpfs.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lchownSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeBundle } from '../fixtures/bundle';
import { ensureBuilt, Runner } from '../runtime/harness';

const SHIFT = 100000;

function chownTree(p: string, id: number): void {
  lchownSync(p, id, id);
  let link = false;
  try {
    readlinkSync(p);
    link = true;
  } catch {
    // not a symlink
  }
  if (!link && statSync(p).isDirectory()) for (const n of readdirSync(p)) chownTree(join(p, n), id);
}

test('user namespace: linux.devices nodes the host lacks are made by the parent, owned by the config\'s uid/gid inside, usable, and never mounted on the host', (t) => {
  ensureBuilt();
  const r = new Runner();
  const hostPath = '/dev/berth-test-null';
  assert.equal(existsSync(hostPath), false, `${hostPath} must not exist on the host for this test`);
  const b = makeBundle(['sh', '-c', `stat -c %u:%g:%t:%T ${hostPath}; echo gone > ${hostPath} && echo written`], (s) => {
    s.linux!.namespaces!.push({ type: 'user' });
    s.linux!.uidMappings = [{ containerID: 0, hostID: SHIFT, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: SHIFT, size: 65536 }];
    // /dev/null's numbers (char 1:3) under a name the host does not have.
    s.linux!.devices = [{ path: hostPath, type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 10, gid: 11 }];
  });
  t.after(() => {
    r.cleanup();
    b.cleanup();
  });
  chmodSync(r.root, 0o711);
  chmodSync(b.dir, 0o755);
  chownTree(b.rootfs, SHIFT);
  const mountsBefore = readFileSync('/proc/self/mountinfo', 'utf8');
  const x = r.run(['run', '-b', b.dir, 'devns']);
  assert.equal(x.status, 0, x.stderr);
  // uid:gid inside, then major and minor in hex as stat prints them.
  assert.deepEqual(x.stdout.trim().split('\n'), ['10:11:1:3', 'written']);
  assert.equal(readFileSync('/proc/self/mountinfo', 'utf8'), mountsBefore, 'the host mount table is unchanged');
  assert.equal(existsSync(hostPath), false);
});
