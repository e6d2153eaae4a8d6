// Which mounts a bundle job's cleanup must detach: at or below the path,
// deepest first, octal escapes decoded, and never a sibling that only
// shares a prefix (/b/deb2 is not under /b/deb).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mountsUnder } from '../../helper/daemon/mountsUnder';

const MOUNTINFO = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '40 22 0:5 / /b/deb/rootfs/proc rw - proc proc rw',
  '41 22 0:20 / /b/deb/rootfs/sys rw - sysfs sysfs rw',
  '42 41 0:21 / /b/deb/rootfs/sys/fs/cgroup rw - tmpfs tmpfs rw',
  '43 22 0:22 / /b/deb2/rootfs/proc rw - proc proc rw',
  '44 22 0:23 / /b/my\\040deb/rootfs/proc rw - proc proc rw',
  '',
].join('\n');

test('mounts under a bundle: deepest first, no prefix siblings, escapes decoded', () => {
  assert.deepEqual(mountsUnder('/b/deb', MOUNTINFO), ['/b/deb/rootfs/sys/fs/cgroup', '/b/deb/rootfs/proc', '/b/deb/rootfs/sys']);
  assert.deepEqual(mountsUnder('/b/my deb', MOUNTINFO), ['/b/my deb/rootfs/proc']);
  assert.deepEqual(mountsUnder('/b/none', MOUNTINFO), []);
});
