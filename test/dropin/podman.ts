// A podman confined to one temporary directory: its own storage (vfs
// driver, so no overlay mounts), run root, tmpdir and the OCI runtime's
// --root, cgroupfs (no systemd here), file events, no network setup.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { killProcessesNaming, removeCgroupTree, removeDir } from './cleanup';
import { run, type Ran } from './exec';
import { busyboxTarball, IMAGE } from './image';

/**
 * podman's default RLIMIT_NOFILE (1048576) and RLIMIT_NPROC exceed what root
 * may set here (no CAP_SYS_RESOURCE, DESIGN.md); runc and crun fail on them
 * alike, so containers ask for limits within the current hard limits.
 */
export const ULIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

/** The cgroup directories podman (cgroupfs manager) makes for a container: /libpod_parent/libpod-<id>. */
export function podmanCgroups(id: string): string[] {
  return readdirSync('/sys/fs/cgroup')
    .map((h) => join('/sys/fs/cgroup', h, 'libpod_parent', `libpod-${id}`))
    .filter((d) => existsSync(d));
}

export class Podman {
  readonly dir = mkdtempSync(join(tmpdir(), 'berth-podman-'));
  /** Full ids of detached containers made through this podman, for the cgroup cleanup. */
  readonly containerIds: string[] = [];

  /**
   * The runtime as podman sees it: a two-line script that adds a private
   * `--root` (never /run/berth, shared with others' tests). podman 4.3's
   * `--runtime-flag root=...` would do the same but is not handed on to
   * conmon's exit command, whose `delete` then misses the container and
   * leaves its cgroups behind.
   */
  private runtimeWithRoot(runtime: string): string {
    const name = basename(runtime);
    const bin = join(this.dir, 'bin', name);
    if (!existsSync(bin)) {
      mkdirSync(join(this.dir, 'bin'), { recursive: true });
      writeFileSync(bin, `#!/bin/sh\nexec ${runtime} --root ${join(this.dir, `${name}-state`)} "$@"\n`, { mode: 0o755 });
    }
    return bin;
  }

  /** podman with everything under this.dir and the given OCI runtime binary. */
  podman(runtime: string, args: string[], timeoutMs = 60_000): Ran {
    const d = this.dir;
    const global = [
      '--root', join(d, 'storage'), '--runroot', join(d, 'run'), '--tmpdir', join(d, 'tmp'),
      '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file',
      '--runtime', this.runtimeWithRoot(runtime),
    ];
    return run('podman', [...global, ...args], { timeoutMs });
  }

  /** `podman import` of the busybox tarball; throws with podman's reason on failure. */
  importImage(): void {
    const r = this.podman('/usr/sbin/runc', ['import', '--change', 'CMD ["/bin/sh"]', busyboxTarball(this.dir), IMAGE]);
    if (r.code !== 0) throw new Error(`podman import: ${r.stderr.trim()}`);
  }

  /** Writes the image as an OCI archive for ctr. */
  saveOciArchive(path: string): void {
    const r = this.podman('/usr/sbin/runc', ['save', '--format', 'oci-archive', '-o', path, IMAGE]);
    if (r.code !== 0) throw new Error(`podman save: ${r.stderr.trim()}`);
  }

  /** Removes every container (force), then conmon leftovers, mounts and the directory. */
  cleanup(runtimes: string[]): void {
    for (const rt of runtimes) this.podman(rt, ['rm', '--all', '--force', '--time', '0'], 30_000);
    killProcessesNaming(this.dir);
    for (const id of this.containerIds) removeCgroupTree(`libpod_parent/libpod-${id}`);
    // podman's shared parents go only when empty (rmdir refuses otherwise)
    for (const h of readdirSync('/sys/fs/cgroup')) {
      for (const d of ['libpod_parent/conmon', 'libpod_parent']) {
        try {
          rmdirSync(join('/sys/fs/cgroup', h, d));
        } catch {
          /* in use or absent */
        }
      }
    }
    removeDir(this.dir);
  }
}
