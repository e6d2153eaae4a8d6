// The node binary the init and exec stages run from: a detached, read-only
// bind mount of this process's own node (process.execPath), held open as one
// O_PATH fd for the life of the process (the CLI run, or berthd).
//
// Why: both stages are node processes living in the container's pid
// namespace, and both end in an execve of a path the bundle controls. A
// container could point that at `#!/proc/self/exe`, or open /proc/<stage>/exe
// while the stage is starting up (Node's start-up takes ~80 ms, before the
// stage's first statement can make it non-dumpable), and then reopen the
// host's node for writing once no process runs it: runc's CVE-2019-5736,
// with node in runc's place. Through this mount, /proc/<stage>/exe is a file
// on a read-only mount that exists in no mount namespace: writing to it
// fails with EROFS, and the container cannot remount it rw because the mount
// is not in its namespace (mount(2) checks that). runc closes the same hole
// with a read-only overlay or a sealed memfd copy of its binary; a bind mount
// costs nothing, where a memfd copy of node would mean 100 MB per CLI call.
//
// How the child runs it: the fd goes to the child at a fixed slot (see
// spawn.ts) and the child execs /proc/self/fd/<slot>, which the kernel
// resolves to this mount. The stage closes the slot first thing
// (startStage), so nothing in the container inherits it.
import { closeSync, writeFileSync } from 'node:fs';
import { MOUNT_ATTR } from '../linux/mountopts';
import { mountSetattrRecursive, openTreeClone } from '../linux/mount';
import { RuntimeError } from './errors';

/** Environment variable naming the slot of the image fd in a stage. */
export const STAGE_IMAGE_FD_ENV = 'BERTH_IMAGE_FD';

let image: number | undefined;

/**
 * The O_PATH fd (close-on-exec in this process) of the read-only node image,
 * made once per process; undefined for a caller that is not root, which
 * cannot clone mounts (open_tree needs CAP_SYS_ADMIN) and has no root-owned
 * node to protect.
 */
export function stageImageFd(): number | undefined {
  if (process.geteuid?.() !== 0) return undefined;
  image ??= readOnlyImage(process.execPath);
  return image;
}

/** An O_PATH fd of `path` on a new detached read-only mount of that file alone; the mount goes when the fd is closed. */
export function readOnlyImage(path: string): number {
  let fd: number;
  try {
    fd = openTreeClone(path, false, path);
  } catch (e) {
    throw new RuntimeError(`cannot make a read-only image of ${path} for the container stages (open_tree): ${(e as Error).message}; berth does not run a stage from a writable host binary`);
  }
  try {
    mountSetattrRecursive(fd, MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV, 0, path);
  } catch (e) {
    closeSync(fd);
    throw new RuntimeError(`cannot make the image of ${path} read-only (mount_setattr): ${(e as Error).message}`);
  }
  return fd;
}

/**
 * In a stage, first thing: closes the inherited image fd, so that no later
 * process gets it, and names the process (the kernel named it after the
 * /proc/self/fd/<slot> it was started from, a bare number in ps).
 */
export function startStage(name: string): void {
  // comm only: process.title would overwrite the command line that ps shows and berth's own checks read.
  try {
    writeFileSync('/proc/self/comm', name);
  } catch {
    // a name is a courtesy; a stage never fails for it
  }
  const slot = Number(process.env[STAGE_IMAGE_FD_ENV]);
  if (!Number.isInteger(slot) || slot < 3) return;
  try {
    closeSync(slot);
  } catch {
    // already closed: nothing to leak
  }
}
