// A --strict peer's bundle job writes as root into a directory the peer
// controls: the peer owns it (or its parent, and so may rename it), and may
// plant a symlink there at any moment of a job that lasts minutes. A path
// through it that root follows later (`dir/rootfs`, `dir/config.json`)
// could lead anywhere on the host. So the directory is pinned by one fd,
// checked to be the one berthd vetted; berthd makes `rootfs` inside it
// itself (root's, so the peer cannot plant anything below it) and pins that
// too; debootstrap gets `/proc/<berthd>/fd/N`, which names the pinned inode
// whatever is renamed or planted meanwhile, and config.json is created
// through the pinned directory, never over an existing entry. (Node opens
// every fd close-on-exec: debootstrap reaches them through berthd's /proc.)
import { closeSync, constants, fstatSync, mkdirSync, openSync, type BigIntStats } from 'node:fs';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

export interface PinnedBundle {
  /** The bundle directory, as a path that always resolves to the pinned inode. */
  dir: string;
  /** rootfs/ as made by berthd, as a path any process of berthd's may follow (debootstrap and its children). */
  rootfs: string;
  close(): void;
}

/**
 * Opens `dir` (no symlink) and checks it is the directory berthd vetted
 * (`isVetted`), makes `rootfs` in it and opens that (no symlink, root's).
 * Throws an Error naming what changed.
 */
export function pinBundle(dir: string, isVetted: (st: BigIntStats) => boolean): PinnedBundle {
  const fds: number[] = [];
  const close = () => fds.splice(0).forEach((fd) => closeSync(fd));
  try {
    const dirFd = openSync(dir, DIR_FLAGS);
    fds.push(dirFd);
    if (!isVetted(fstatSync(dirFd, { bigint: true }))) throw new Error(`${dir} was replaced after it was checked`);
    const self = `/proc/self/fd/${dirFd}`;
    try {
      mkdirSync(`${self}/rootfs`, { mode: 0o755 });
    } catch (e) {
      throw new Error((e as NodeJS.ErrnoException).code === 'EEXIST' ? `${dir}/rootfs appeared after the directory was checked` : (e as Error).message, { cause: e });
    }
    const rootfsFd = openSync(`${self}/rootfs`, DIR_FLAGS);
    fds.push(rootfsFd);
    const st = fstatSync(rootfsFd);
    if (st.uid !== 0) throw new Error(`${dir}/rootfs was replaced after berthd made it`);
    return { dir: self, rootfs: `/proc/${process.pid}/fd/${rootfsFd}`, close };
  } catch (e) {
    close();
    throw e;
  }
}
