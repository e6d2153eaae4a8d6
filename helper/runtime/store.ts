// The state store: one directory per container under --root, holding
// state.json (written atomically: temp file, fsync, rename), config.json (the
// spec as it was at create time) and, until `start`, exec.fifo. A directory
// without state.json is a container still being created.
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '../spec/types';
import { RuntimeError } from './errors';

/** What state.json holds: the spec's state plus what status computation and `list` need. */
export interface StoredState {
  ociVersion: string;
  id: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat when the init started: guards against pid reuse. */
  startTime: string;
  bundle: string;
  rootfs: string;
  /** RFC 3339 creation time. */
  created: string;
  owner: string;
  annotations?: Record<string, string>;
  /** Set by pause/resume (the freezer lives elsewhere); runtime.md's "paused". */
  paused?: boolean;
  /** Exit status, recorded when the process that created the container saw it exit. */
  exit?: { code: number | null; signal: string | null };
}

const ID_RE = /^[A-Za-z0-9_+\-.]+$/;

/**
 * The longest container id `create` accepts, as berthd's protocol does
 * (CONTAINER_ID_PATTERN). An id is one name in several places, each at
 * most 255 bytes (NAME_MAX): the state directory under --root, the cgroup,
 * berthd's record directory, and the longest, the lock's private name
 * `.<id>.<pid>.<serial>` (lock.ts), up to 26 bytes more: past about 245
 * characters (with a 5-digit pid) creating it failed with a bare
 * ENAMETOOLONG. The sockets under the root whose paths hold the id
 * (notify.ts, berthd's console sockets) are bound through a fd of their
 * directory, so the 107 bytes of a socket address limit neither the id nor
 * the root.
 */
export const ID_MAX = 200;

/** The rule for an id `create` claims: runc's characters, never `.` or `..`, at most ID_MAX characters. */
export function checkId(id: string): void {
  checkIdChars(id);
  if (id.length > ID_MAX) {
    throw new RuntimeError(`invalid container id \`${id.slice(0, 40)}…\`: it is ${id.length} characters long, at most ${ID_MAX} are allowed`, 'bad-argument');
  }
}

/**
 * The rule for an id that names an existing container: no length limit, so
 * a container made by an older berth with a longer id can still be seen
 * and deleted.
 */
function checkIdChars(id: string): void {
  if (!id) throw new RuntimeError('container id cannot be empty', 'bad-argument');
  if (!ID_RE.test(id) || id === '.' || id === '..') throw new RuntimeError(`invalid container id \`${id}\`: only letters, digits, _ + - . are allowed`, 'bad-argument');
}

export class Store {
  constructor(readonly root: string) {}

  dir(id: string): string {
    return join(this.root, id);
  }

  fifo(id: string): string {
    return join(this.dir(id), 'exec.fifo');
  }

  /** Claims the id: fails if a container with it exists. */
  reserve(id: string): string {
    checkId(id);
    mkdirSync(this.root, { recursive: true, mode: 0o711 });
    try {
      mkdirSync(this.dir(id), { mode: 0o711 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new RuntimeError(`container \`${id}\` already exists`, 'exists');
      throw e;
    }
    return this.dir(id);
  }

  /**
   * The state directory's identity (inode and birth time), undefined when
   * there is none: tells the directory one create claimed from a later one
   * under the same id (after a delete), even where inodes are reused.
   */
  identity(id: string): string | undefined {
    try {
      const s = lstatSync(this.dir(id), { bigint: true });
      return s.isDirectory() ? `${s.ino}:${s.birthtimeNs}` : undefined;
    } catch {
      return undefined;
    }
  }

  exists(id: string): boolean {
    checkIdChars(id);
    try {
      readdirSync(this.dir(id));
      return true;
    } catch {
      return false;
    }
  }

  /** The stored state, undefined while the container is being created. Throws not-found. */
  read(id: string): StoredState | undefined {
    if (!this.exists(id)) throw new RuntimeError(`container \`${id}\` does not exist`, 'not-found');
    try {
      return JSON.parse(readFileSync(join(this.dir(id), 'state.json'), 'utf8')) as StoredState;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new RuntimeError(`state of \`${id}\` is unreadable: ${(e as Error).message}`);
    }
  }

  write(state: StoredState): void {
    atomicWrite(join(this.dir(state.id), 'state.json'), JSON.stringify(state));
  }

  writeConfig(id: string, spec: Spec): void {
    atomicWrite(join(this.dir(id), 'config.json'), JSON.stringify(spec));
  }

  readConfig(id: string): Spec {
    if (!this.exists(id)) throw new RuntimeError(`container \`${id}\` does not exist`, 'not-found');
    return JSON.parse(readFileSync(join(this.dir(id), 'config.json'), 'utf8')) as Spec;
  }

  ids(): string[] {
    try {
      return readdirSync(this.root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && ID_RE.test(d.name) && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  remove(id: string): void {
    rmSync(this.dir(id), { recursive: true, force: true });
  }
}

/**
 * Writes `data` to `path` so readers see the old or the new content, never a
 * torn file. The temp name is predictable and may sit in a directory someone
 * else can write (a --pid-file in the bundle): it is created exclusively
 * (O_EXCL never follows a symlink), so one planted there cannot send root's
 * write to another file; a leftover is unlinked once, a second one is an error.
 */
export function atomicWrite(path: string, data: string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    unlinkSync(tmp);
    fd = openSync(tmp, 'wx', mode);
  }
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
