// Which Linux security modules this host runs, and the one write each needs
// to label the container's process: the label takes effect at the next
// execve, so the init writes it last and then execs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** AppArmor is usable when its module says so (absent module: not built in). */
export function apparmorEnabled(): boolean {
  try {
    return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  } catch {
    return false;
  }
}

/** SELinux is usable when selinuxfs is mounted where the tools expect it. */
export function selinuxEnabled(): boolean {
  return existsSync('/sys/fs/selinux/enforce');
}

/** Asks AppArmor to confine the next execve of this thread under `profile`. */
export function setApparmorExecProfile(profile: string): void {
  // The LSM-specific file first (kernels with several LSM stacked), then the legacy one.
  const target = existsSync('/proc/thread-self/attr/apparmor/exec') ? '/proc/thread-self/attr/apparmor/exec' : '/proc/thread-self/attr/exec';
  writeFileSync(target, `exec ${profile}`);
}

/** Asks SELinux to run the next execve of this thread with `label`. */
export function setSelinuxExecLabel(label: string): void {
  writeFileSync('/proc/thread-self/attr/exec', label);
}
