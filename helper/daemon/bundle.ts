// Checks a bundle path from a request before the runtime sees it: a real
// directory (not a symlink, which could be swapped under us), holding a
// regular config.json of sane size that parses. In strict mode both must be
// owned by the caller. Returns the parsed config for what berthd needs
// (process.terminal); the runtime still validates it fully.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../protocol/errors';
import { readRegularFile } from '../runtime/config';
import type { Spec } from '../spec/types';
import { DaemonError } from './errors';

const MAX_CONFIG_BYTES = 4 << 20;

function bad(message: string, pointer = '/bundle'): DaemonError {
  return new DaemonError(ErrorCode.BadBundle, message, { pointer });
}

export function checkBundle(bundle: string, ownerUid?: number): Spec {
  let st;
  try {
    st = lstatSync(bundle);
  } catch (e) {
    throw bad(`bundle ${bundle}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
  }
  if (st.isSymbolicLink()) throw bad(`bundle ${bundle}: is a symlink; pass the directory it points to`);
  if (!st.isDirectory()) throw bad(`bundle ${bundle}: not a directory`);
  if (ownerUid !== undefined && st.uid !== ownerUid) throw new DaemonError(ErrorCode.Forbidden, `bundle ${bundle}: owned by uid ${st.uid}, not by the caller (uid ${ownerUid})`, { pointer: '/bundle' });
  const config = join(bundle, 'config.json');
  // Checked on the opened file, not by lstat before it: the bundle's owner could swap in a fifo, whose read would block berthd.
  let read;
  try {
    read = readRegularFile(config, MAX_CONFIG_BYTES, true);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw bad(`bundle ${bundle}: config.json is missing`);
    throw bad(`${config}: ${code === 'ELOOP' ? 'not a regular file' : (e as Error).message}`);
  }
  const cst = read.stat;
  if (ownerUid !== undefined && cst.uid !== ownerUid) throw new DaemonError(ErrorCode.Forbidden, `${config}: owned by uid ${cst.uid}, not by the caller (uid ${ownerUid})`, { pointer: '/bundle' });
  let spec: unknown;
  try {
    spec = JSON.parse(read.text);
  } catch (e) {
    throw bad(`${config}: not valid JSON: ${(e as Error).message}`, '/');
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw bad(`${config}: not a JSON object`, '/');
  return spec as Spec;
}
