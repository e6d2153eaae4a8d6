// Where a mount may land. RESOLVE_IN_ROOT keeps a destination inside the
// rootfs, but once proc and sysfs are mounted there, a symlink in the rootfs
// (`/vol -> /proc/self`) can still lead a later mount onto them: a volume
// over /proc/1 would then take the init's own /proc writes (the LSM exec
// label, oom_score_adj) and its wait for `start` (/proc/self/fd/N). As runc
// refuses mounts into /proc it was not asked for, a destination may resolve
// onto procfs or sysfs only when the config names /proc or /sys or a path
// under them (a root.path of `/` already has both mounted there).
import { posix } from 'node:path';
import { fsMagic, PROC_SUPER_MAGIC, SYSFS_MAGIC } from '../linux/statfs';

/** Throws when the resolved destination `fd` is on procfs or sysfs though `dest` does not name a path there. */
export function checkDestination(fd: number, dest: string): void {
  const magic = fsMagic(fd, dest);
  const named = posix.normalize('/' + dest);
  if (magic === PROC_SUPER_MAGIC && !under(named, '/proc')) throw new Error(`destination \`${dest}\` resolves into /proc through a symlink in the rootfs`);
  if (magic === SYSFS_MAGIC && !under(named, '/sys')) throw new Error(`destination \`${dest}\` resolves into /sys through a symlink in the rootfs`);
}

function under(path: string, top: string): boolean {
  return path === top || path.startsWith(top + '/');
}
