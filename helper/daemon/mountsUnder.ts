// Mounts below a directory, from this process's mountinfo, and their removal.
// debootstrap mounts proc and sys inside its target for the second stage (and
// may bind /dev); a cleanup that deleted files before those are gone would
// delete the host's. So: detach every mount under the path, deepest first,
// then check again and report what is left rather than removing anything.
import { readFileSync } from 'node:fs';
import { MNT_DETACH } from '../linux/constants';
import { umount } from '../linux/mount';

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const point = line.split(' ')[4];
    if (point === undefined) continue;
    const p = unescape(point);
    if (p === dir || p.startsWith(dir + '/')) out.push(p);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Lazily unmounts everything at or below dir; returns what is still mounted afterwards (empty when all went). */
export function unmountUnder(dir: string): string[] {
  for (let pass = 0; pass < 3; pass++) {
    const points = mountsUnder(dir);
    if (points.length === 0) return [];
    for (const p of points) {
      try {
        umount(p, MNT_DETACH);
      } catch {
        // already gone with its parent, or stacked: the next pass reads mountinfo again
      }
    }
  }
  return mountsUnder(dir);
}
