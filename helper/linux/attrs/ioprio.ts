// process.ioPriority through ioprio_set(2) (glibc has no wrapper): the class
// in the top bits, the level (0 highest .. 7) in the low ones.
import { check, libc } from '../libc';

const SYS_ioprio_set = 251;
const SYS_ioprio_get = 252;
const IOPRIO_WHO_PROCESS = 1;
const CLASS_SHIFT = 13;

export const IOPRIO_CLASSES = { IOPRIO_CLASS_RT: 1, IOPRIO_CLASS_BE: 2, IOPRIO_CLASS_IDLE: 3 } as const;
export type IoPrioClass = keyof typeof IOPRIO_CLASSES;

/** Sets the calling thread's I/O class and level. */
export function setIoPriority(cls: IoPrioClass, level: number): void {
  if (!(cls in IOPRIO_CLASSES)) throw new Error(`unknown i/o priority class \`${cls}\``);
  if (!Number.isInteger(level) || level < 0 || level > 7) throw new Error(`i/o priority ${level} is out of range 0..7`);
  const value = (IOPRIO_CLASSES[cls] << CLASS_SHIFT) | level;
  check(libc().syscall(SYS_ioprio_set, 'int', IOPRIO_WHO_PROCESS, 'int', 0, 'int', value), 'ioprio_set', `${cls} ${level}`);
}

/** A process's I/O class and level (pid 0: the caller). */
export function getIoPriority(pid = 0): { cls: number; level: number } {
  const v = check(libc().syscall(SYS_ioprio_get, 'int', IOPRIO_WHO_PROCESS, 'int', pid), 'ioprio_get', String(pid));
  return { cls: v >> CLASS_SHIFT, level: v & ((1 << CLASS_SHIFT) - 1) };
}
