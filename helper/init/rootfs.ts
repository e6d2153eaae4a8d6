// The container's filesystem, in the order the kernel needs: propagation of
// `/` changed first (so nothing we mount leaks back to the host), the rootfs
// bind-mounted onto itself (pivot_root needs a mount point), every `mounts`
// entry, /dev, then pivot_root (or MS_MOVE + chroot with --no-pivot), and
// after it the paths that are masked or read-only.
import { closeSync, fstatSync, openSync, statSync, writeFileSync } from 'node:fs';
import * as C from '../linux/constants';
import { fdPath, mkdirAllInRoot, openInRoot } from '../linux/inroot';
import { chdir, chroot, fchdir, mount, pivotRoot, umount } from '../linux/mount';
import { PROPAGATION } from '../linux/mountopts';
import { fsMagic, PROC_SUPER_MAGIC } from '../linux/statfs';
import { posix } from 'node:path';
import type { Mount, Spec } from '../spec/types';
import { createDevices } from './devices';
import { at, InitError } from './errors';
import { mountEntry, mountEntryHere } from './mounts';

/** A mounts entry left for the process that ends up in the container's pid namespace (helper/init/joinPid.ts). */
export interface DeferredMount {
  index: number;
  mount: Mount;
}

/**
 * `bindFds`: mount index → detached bind source from the parent
 * (InitConfig.bindFds); `deviceFds`: InitConfig.deviceFds. All closed here.
 * With `deferProc`, proc mounts are not made but returned: a proc mount shows
 * the pid namespace of the process that makes it.
 */
export function prepareRootfs(spec: Spec, bundle: string, rootfs: string, bindFds: Record<number, number> = {}, deviceFds: number[] = [], deferProc = false): DeferredMount[] {
  const deferred: DeferredMount[] = [];
  const prop = spec.linux?.rootfsPropagation;
  at('/linux/rootfsPropagation', () => {
    if (prop !== undefined && !Object.hasOwn(PROPAGATION, prop)) throw new Error(`unknown propagation \`${prop}\``);
    // rslave by default (as runc): host mounts still appear, ours never go back.
    const rootFlag = prop === 'private' || prop === 'rprivate' ? C.MS_PRIVATE | C.MS_REC : C.MS_SLAVE | C.MS_REC;
    mount(null, '/', null, rootFlag, null, '/');
    mount(rootfs, rootfs, null, C.MS_BIND | C.MS_REC, null, rootfs);
    if (prop !== undefined) mount(null, rootfs, null, PROPAGATION[prop], null, rootfs);
  });
  const rootfd = openSync(rootfs, C.O_PATH | C.O_DIRECTORY | C.O_CLOEXEC);
  try {
    (spec.mounts ?? []).forEach((m, i) => {
      const under = deferred.find((d) => isUnder(m.destination, d.mount.destination));
      if (under) throw new InitError(`a mount inside the proc mount at ${under.mount.destination} (/mounts/${under.index}) is not supported when the pid namespace is joined by path: proc is mounted last then`, `/mounts/${i}/destination`);
      if (deferProc && m.type === 'proc') deferred.push({ index: i, mount: m });
      else mountEntry(rootfd, bundle, m, `/mounts/${i}`, takeFd(bindFds, i));
    });
    const devBound = (spec.mounts ?? []).some((m) => m.destination === '/dev' && (m.type === 'bind' || m.options?.some((o) => o === 'bind' || o === 'rbind')));
    const hasPts = (spec.mounts ?? []).some((m) => m.destination === '/dev/pts');
    if (!devBound) createDevices(rootfd, spec.linux?.devices, hasPts, deviceFds);
    const cwd = spec.process?.cwd ?? '/';
    at('/process/cwd', () => closeSync(mkdirAllInRoot(rootfd, cwd)));
  } finally {
    closeSync(rootfd);
    // None may reach a hook or the container's process.
    for (const i of Object.keys(bindFds)) closeSync(takeFd(bindFds, Number(i))!);
    for (const fd of deviceFds.splice(0)) closeSync(fd);
  }
  return deferred;
}

/** After pivot_root, in the container's pid namespace: the proc mounts prepareRootfs deferred. */
export function mountDeferred(deferred: DeferredMount[]): void {
  if (!deferred.length) return;
  const rootfd = openSync('/', C.O_PATH | C.O_DIRECTORY | C.O_CLOEXEC);
  try {
    // Mounting on "." of the destination: /proc/self/fd, which mountEntry names destinations by, comes with this very mount.
    for (const d of deferred) mountEntryHere(rootfd, d.mount, `/mounts/${d.index}`);
  } finally {
    closeSync(rootfd);
  }
}

function isUnder(path: string, dir: string): boolean {
  const norm = (p: string) => posix.normalize(`/${p}`).replace(/\/+$/, '') || '/';
  const d = norm(dir);
  return norm(path).startsWith(d === '/' ? '/' : `${d}/`);
}

function takeFd(fds: Record<number, number>, i: number): number | undefined {
  const fd = fds[i];
  delete fds[i];
  return fd;
}

export function enterRootfs(rootfs: string, noPivot: boolean): void {
  if (noPivot) {
    chdir(rootfs);
    mount(rootfs, '/', null, C.MS_MOVE, null, rootfs);
    chroot('.');
    chdir('/');
    return;
  }
  // pivot_root(".", ".") stacks the old root under the new one; detaching it
  // from the old root's fd leaves only the container's tree.
  const oldRoot = openSync('/', C.O_DIRECTORY | C.O_RDONLY | C.O_CLOEXEC);
  const newRoot = openSync(rootfs, C.O_DIRECTORY | C.O_RDONLY | C.O_CLOEXEC);
  try {
    fchdir(newRoot, rootfs);
    pivotRoot('.', '.');
    fchdir(oldRoot, 'old root');
    mount(null, '.', null, C.MS_SLAVE | C.MS_REC, null, 'old root');
    umount('.', C.MNT_DETACH);
    chdir('/');
  } finally {
    closeSync(oldRoot);
    closeSync(newRoot);
  }
}

/** After pivot_root: sysctl, masked and read-only paths, read-only root. */
export function finishRootfs(spec: Spec): void {
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    at(`/linux/sysctl/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, () => {
      try {
        writeFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, value);
      } catch (e) {
        throw new Error(`sysctl \`${key}\`: ${(e as Error).message}`, { cause: e });
      }
    });
  }
  const rootfd = openSync('/', C.O_PATH | C.O_DIRECTORY | C.O_CLOEXEC);
  try {
    (spec.linux?.readonlyPaths ?? []).forEach((p, i) => at(`/linux/readonlyPaths/${i}`, () => readonlyPath(rootfd, p)));
    const devNull = new NullDevice(rootfd);
    try {
      (spec.linux?.maskedPaths ?? []).forEach((p, i) => at(`/linux/maskedPaths/${i}`, () => maskPath(rootfd, p, devNull)));
    } finally {
      devNull.close();
    }
  } finally {
    closeSync(rootfd);
  }
  if (spec.root?.readonly) {
    at('/root/readonly', () => mount(null, '/', null, C.MS_BIND | C.MS_REMOUNT | C.MS_RDONLY, null, '/'));
  }
}

function openOptional(rootfd: number, path: string): number | undefined {
  try {
    return openInRoot(rootfd, path, C.O_PATH);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw e;
  }
}

function readonlyPath(rootfd: number, path: string): void {
  const fd = openOptional(rootfd, path);
  if (fd === undefined) return;
  try {
    mount(fdPath(fd), fdPath(fd), null, C.MS_BIND | C.MS_REC, null, path);
  } finally {
    closeSync(fd);
  }
  // Only MS_RDONLY, as runc: the path keeps the other flags of the mount it is part of.
  const top = openInRoot(rootfd, path, C.O_PATH);
  try {
    mount(null, fdPath(top), null, C.MS_BIND | C.MS_REMOUNT | C.MS_RDONLY | C.MS_REC, null, path);
  } finally {
    closeSync(top);
  }
}

/**
 * The container's /dev/null, opened once and checked to be the null device
 * (1:3) before it is bound over masked files. The rootfs (without a /dev
 * mount) or a later volume can make it a symlink or a file of its own: bound
 * by path it would put /proc/timer_list over /proc/keys and leave
 * /proc/timer_list unmasked, as runc's CVE-2025-31133.
 */
class NullDevice {
  private fd?: number;
  constructor(private readonly rootfd: number) {}

  get(): number {
    if (this.fd !== undefined) return this.fd;
    const fd = openInRoot(this.rootfd, '/dev/null', C.O_PATH | C.O_NOFOLLOW);
    const st = fstatSync(fd);
    if (!st.isCharacterDevice() || st.rdev !== 0x103) {
      closeSync(fd);
      throw new Error('`/dev/null` in the container is not the null device (1:3): masked files are not covered with it');
    }
    return (this.fd = fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function maskPath(rootfd: number, path: string, devNull: NullDevice): void {
  const fd = openOptional(rootfd, path);
  if (fd === undefined) return;
  try {
    if (statSync(fdPath(fd)).isDirectory()) mount('tmpfs', fdPath(fd), 'tmpfs', C.MS_RDONLY, null, path);
    else mount(fdPath(devNull.get()), fdPath(fd), null, C.MS_BIND, null, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * After pivot_root, before anything is written under /proc: it must be the
 * kernel's procfs. A rootfs whose /proc is a symlink into a later mount (a
 * volume) would otherwise hand the init a tree of its own making, taking the
 * LSM exec label, sysctls and oom_score_adj, and the wait for `start`.
 */
export function checkProcMounted(): void {
  let fd: number | undefined;
  try {
    fd = openSync('/proc', C.O_PATH | C.O_DIRECTORY | C.O_CLOEXEC);
    statSync('/proc/self/fd');
  } catch {
    throw new InitError('the container needs /proc mounted (the init waits for `start` through /proc/self/fd)', '/mounts');
  }
  try {
    if (fsMagic(fd, '/proc') !== PROC_SUPER_MAGIC) throw new InitError('/proc is not procfs (a symlink in the rootfs led it elsewhere)', '/mounts');
  } finally {
    closeSync(fd);
  }
}
