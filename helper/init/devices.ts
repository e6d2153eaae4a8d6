// /dev inside the container: the default devices of config-linux.md, the
// usual links, and the config's linux.devices. Created through an O_PATH fd
// of /dev opened inside the rootfs, so a hostile rootfs cannot redirect them.
import { closeSync, existsSync } from 'node:fs';
import * as C from '../linux/constants';
import { SysError } from '../linux/errors';
import { mknodDevice } from '../linux/exec';
import { fdPath, mkdirAllInRoot } from '../linux/inroot';
import { moveMount } from '../linux/mount';
import { check, errno, libc } from '../linux/libc';
import type { Device } from '../spec/types';
import { at } from './errors';
import { bindHostDevice } from './userns';

const DEFAULT_DEVICES: Device[] = [
  { type: 'c', path: '/dev/null', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/zero', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/full', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/random', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/urandom', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/tty', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

const LINKS: [string, string][] = [
  ['fd', '/proc/self/fd'],
  ['stdin', '/proc/self/fd/0'],
  ['stdout', '/proc/self/fd/1'],
  ['stderr', '/proc/self/fd/2'],
];


/** `nodes`: with a new user namespace, the parent's node for each of `devices` (InitConfig.deviceFds), attached instead of mknod. */
export function createDevices(rootfd: number, devices: Device[] = [], hasPts: boolean, nodes: number[] = []): void {
  const old = process.umask(0);
  try {
    DEFAULT_DEVICES.forEach((d) => makeDevice(rootfd, d, '/linux/devices'));
    devices.forEach((d, i) => at(`/linux/devices/${i}`, () => makeDevice(rootfd, d, `/linux/devices/${i}`, true, nodes[i])));
    const dev = mkdirAllInRoot(rootfd, '/dev');
    try {
      const links = [...LINKS];
      if (hasPts) links.push(['ptmx', 'pts/ptmx']);
      if (existsSync('/proc/kcore')) links.push(['core', '/proc/kcore']);
      for (const [name, target] of links) {
        if (name === 'ptmx') libc().unlinkat(dev, name, 0); // the rootfs may ship a ptmx node: the link wins
        if (libc().symlinkat(target, dev, name) < 0 && errno() !== 17) throw new SysError('symlink', errno(), `/dev/${name}`);
      }
    } finally {
      closeSync(dev);
    }
  } finally {
    process.umask(old);
  }
}

function makeDevice(rootfd: number, d: Device, pointer: string, replace = false, node?: number): void {
  at(pointer, () => {
    const slash = d.path.lastIndexOf('/');
    const dir = mkdirAllInRoot(rootfd, d.path.slice(0, slash) || '/');
    const name = d.path.slice(slash + 1);
    try {
      if (replace) libc().unlinkat(dir, name, 0);
      if (node !== undefined) return attachNode(dir, name, node, d.path);
      try {
        mknodDevice(`${fdPath(dir)}/${name}`, d, d.path);
      } catch (e) {
        if (e instanceof SysError && e.code === 'EEXIST') return;
        // In a user namespace mknod is refused: bind the host's node instead, as runc does (helper/init/userns.ts).
        if (e instanceof SysError && e.code === 'EPERM') return bindHostDevice(dir, name, d.path);
        throw e;
      }
      check(libc().fchownat(dir, name, d.uid ?? 0, d.gid ?? 0, 0x100 /* AT_SYMLINK_NOFOLLOW */), 'chown', d.path);
    } finally {
      closeSync(dir);
    }
  });
}

/** Attaches the parent's detached node (helper/runtime/devnodes.ts) on an empty file made at `name`. */
function attachNode(dir: number, name: string, node: number, shown: string): void {
  const target = check(libc().openat(dir, name, C.O_CREAT | C.O_EXCL | C.O_WRONLY | C.O_NOFOLLOW | C.O_CLOEXEC, 0), 'create', shown);
  try {
    moveMount(node, target, shown);
  } finally {
    closeSync(target);
  }
}
