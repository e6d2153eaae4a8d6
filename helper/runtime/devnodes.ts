// linux.devices for a container with a new user namespace. Inside that
// namespace mknod is refused (CAP_MKNOD counts only in the host's), so runc
// bind-mounts the host's node of the same path, which fails for a node the
// host does not have and shows the host node's owner instead of the
// config's uid/gid. Instead the parent, as host root, makes each node in a
// tmpfs that is attached nowhere (so nothing on the host ever sees it),
// owned by the host ids that the config's uid and gid map to, and hands the
// init a detached bind mount of each; the init attaches them with
// move_mount in place of mknod (helper/init/devices.ts). The tmpfs was made
// in the host's user namespace, so its nodes keep working as devices after
// they are moved into the container's (a tmpfs mounted inside it would be
// nodev).
import { chmodSync, closeSync } from 'node:fs';
import { check, libc } from '../linux/libc';
import { detachedTmpfs, openTreeCloneAt } from '../linux/mount';
import { mknodDevice } from '../linux/exec';
import type { Spec } from '../spec/types';
import { RuntimeError } from './errors';
import { containerMappings, hostIdOf } from './userns';

/** What the kernel shows for an id a user namespace does not map (/proc/sys/kernel/overflowuid). */
const OVERFLOW_ID = 65534;

/** One detached mount per entry of linux.devices, in order (fds close-on-exec in this process). */
export function makeDeviceNodes(spec: Spec): number[] {
  const devices = spec.linux?.devices ?? [];
  if (devices.length === 0) return [];
  const out: number[] = [];
  const maps = containerMappings(spec);
  const tmp = detachedTmpfs();
  try {
    devices.forEach((d, i) => {
      const name = String(i);
      try {
        const at = `/proc/self/fd/${tmp}/${name}`;
        mknodDevice(at, d, d.path);
        // mknod applied this process's umask; the config's mode is what the container must see.
        chmodSync(at, (d.fileMode ?? 0o666) & 0o7777);
        const uid = hostIdOf(d.uid ?? 0, maps?.uid) ?? OVERFLOW_ID;
        const gid = hostIdOf(d.gid ?? 0, maps?.gid) ?? OVERFLOW_ID;
        check(libc().fchownat(tmp, name, uid, gid, 0), 'chown', d.path);
        out.push(openTreeCloneAt(tmp, name, d.path));
      } catch (e) {
        throw new RuntimeError(`device \`${d.path}\`: ${(e as Error).message}`, 'runtime', `/linux/devices/${i}`);
      }
    });
  } catch (e) {
    for (const fd of out) closeSync(fd);
    throw e;
  } finally {
    // The clones keep the tmpfs alive as long as they are open; nothing else does.
    closeSync(tmp);
  }
  return out;
}
