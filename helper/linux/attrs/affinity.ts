// process.execCPUAffinity: the CPUs a task may run on, set with
// sched_setaffinity(2) on the calling thread (the init's main thread, which
// is the one that execve's; Node's other threads end with the execve).
import { check, libc } from '../libc';
import { parseList, toMask } from '../cpulist';

const SYS_sched_setaffinity = 203;

/** Pins the calling thread to the CPUs of `list` ("0-1,3"). */
export function setCpuAffinity(list: string): void {
  const cpus = parseList(list);
  if (cpus.length === 0) throw new Error(`cpu list \`${list}\` is empty`);
  const mask = toMask(cpus);
  check(libc().syscall(SYS_sched_setaffinity, 'int', 0, 'size_t', mask.length, 'void *', mask), 'sched_setaffinity', list);
}
