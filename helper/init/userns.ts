// The init's first step in a new user namespace (see
// helper/runtime/userns.ts): it was exec'd by unshare(1) before the parent
// wrote the id maps, so its uid and gid are still unmapped ("nobody"); it
// holds every capability of the namespace in its ambient set. Once the maps
// exist it becomes the namespace's root, so that files it creates and the
// namespaces it unshares belong to the container's root. Raw syscalls on the
// main thread only (helper/linux/identity.ts): the one that execs.
import { closeSync, readFileSync } from 'node:fs';
import * as C from '../linux/constants';
import { fdPath } from '../linux/inroot';
import { check, libc } from '../linux/libc';
import { mount } from '../linux/mount';
import { setGroups, setResGid, setResUid } from '../linux/identity';
import { InitError } from './errors';

export function becomeNamespaceRoot(): void {
  const uidMap = readFileSync('/proc/self/uid_map', 'utf8').trim();
  if (!uidMap) throw new InitError('the user namespace has no uid mapping yet', '/linux/uidMappings');
  const mapsZero = (text: string) => text.split('\n').some((l) => {
    const [inside, , size] = l.trim().split(/\s+/).map(Number);
    return inside <= 0 && 0 < inside + size;
  });
  if (!mapsZero(uidMap)) throw new InitError('container uid 0 is not mapped: the init needs a root inside its user namespace', '/linux/uidMappings');
  if (!mapsZero(readFileSync('/proc/self/gid_map', 'utf8'))) throw new InitError('container gid 0 is not mapped', '/linux/gidMappings');
  setResGid(0);
  // setgroups is allowed only while /proc/self/setgroups says "allow" (root-created namespaces).
  if (readFileSync('/proc/self/setgroups', 'utf8').trim() === 'allow') setGroups([]);
  setResUid(0);
}

/**
 * A device node for a container in a user namespace, where mknod is not
 * allowed: an empty file at `name` in `dirFd` with the host's node at
 * `hostPath` bind-mounted onto it. Called before pivot_root, while `hostPath`
 * still names the host's node.
 */
export function bindHostDevice(dirFd: number, name: string, hostPath: string): void {
  const fd = check(libc().openat(dirFd, name, C.O_CREAT | C.O_WRONLY | C.O_NOFOLLOW | C.O_CLOEXEC, 0), 'create', hostPath);
  try {
    mount(hostPath, fdPath(fd), null, C.MS_BIND, null, hostPath);
  } finally {
    closeSync(fd);
  }
}
