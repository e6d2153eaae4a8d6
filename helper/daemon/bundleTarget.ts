// Where a bundle job may write. berthd runs as root, so a careless path here
// would let a client fill (or, on cleanup, empty) any directory: the target
// must be a normalized absolute path whose parent exists, and must be either
// absent (berthd creates it, and on cancel removes it whole) or an empty
// real directory (on cancel only what berthd put inside goes). Symlinks are
// refused as the last component; the parent is pinned to its real path.
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCode } from '../protocol/errors';
import type { Peer } from './containers';
import { DaemonError } from './errors';

export interface BundleTarget {
  /** The bundle directory, with its parent resolved to a real path. */
  dir: string;
  /** True when the directory did not exist: berthd makes it and owns all of it. */
  create: boolean;
}

function bad(message: string): DaemonError {
  return new DaemonError(ErrorCode.BadBundle, message, { pointer: '/dir' });
}

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'a path component is not a directory' : (e as Error).message;
}

export function checkTarget(requested: string, peer: Peer): BundleTarget {
  if (resolve(requested) !== requested || requested === '/') {
    throw bad(`dir ${requested}: not a normalized absolute path (no trailing /, no . or .. components, not /)`);
  }
  const parentAsked = dirname(requested);
  let parent: string;
  try {
    parent = realpathSync(parentAsked);
    if (!statSync(parent).isDirectory()) throw bad(`dir ${requested}: parent ${parentAsked} is not a directory`);
  } catch (e) {
    if (e instanceof DaemonError) throw e;
    throw bad(`dir ${requested}: parent ${parentAsked} ${errnoText(e)}`);
  }
  const dir = join(parent, basename(requested));
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw bad(`dir ${requested}: ${errnoText(e)}`);
  }
  if (st?.isSymbolicLink()) throw bad(`dir ${requested}: is a symlink; pass the directory itself`);
  if (st && !st.isDirectory()) throw bad(`dir ${requested}: exists and is not a directory`);
  if (st && readdirSync(dir).length > 0) throw bad(`dir ${requested}: exists and is not empty; pick a new or empty directory`);
  if (peer.strict) {
    // A non-root peer may only make bundles where it could have made the directory itself.
    const owner = st ? st.uid : statSync(parent).uid;
    if (owner !== peer.uid) {
      throw new DaemonError(ErrorCode.Forbidden, `dir ${requested}: ${st ? 'it' : `its parent ${parentAsked}`} is owned by uid ${owner}, not by the caller (uid ${peer.uid})`, { pointer: '/dir' });
    }
  }
  return { dir, create: !st };
}
