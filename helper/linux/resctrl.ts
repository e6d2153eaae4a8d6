// Intel RDT goes through the resctrl filesystem; without it mounted there is
// nothing to configure.
import { readFileSync } from 'node:fs';

/** Mount point of resctrl in this mount namespace, or undefined. */
export function resctrlMount(): string | undefined {
  try {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const sep = line.indexOf(' - ');
      if (sep > 0 && line.slice(sep + 3).startsWith('resctrl ')) return line.split(' ')[4];
    }
  } catch {
    // no /proc: nothing is known to be mounted
  }
  return undefined;
}
