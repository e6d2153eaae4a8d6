// The drop-in tests' image: Debian's busybox-static as a one-layer image,
// made with `podman import` from a tarball (no registry involved). ctr gets
// the same image through `podman save --format oci-archive`.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeRootfs } from '../fixtures/bundle';

export const IMAGE = 'localhost/berth-busybox:dropin';

/** Writes <dir>/busybox.tar: a busybox rootfs as a plain tar. */
export function busyboxTarball(dir: string): string {
  const rootfs = join(dir, 'busybox-rootfs');
  mkdirSync(rootfs, { recursive: true });
  makeRootfs(rootfs);
  const tar = join(dir, 'busybox.tar');
  execFileSync('tar', ['-C', rootfs, '-cf', tar, '.']);
  return tar;
}
