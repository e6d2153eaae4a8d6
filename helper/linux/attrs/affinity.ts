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

const SYS_sched_getaffinity = 204;

/** The calling thread's CPUs as a list ("0-1" comes back as "0,1"). */
export function getCpuAffinity(): string {
  const mask = Buffer.alloc(128);
  const n = check(libc().syscall(SYS_sched_getaffinity, 'int', 0, 'size_t', mask.length, 'void *', mask), 'sched_getaffinity');
  const cpus: number[] = [];
  for (let i = 0; i < n * 8; i++) if (mask[i >> 3] & (1 << (i & 7))) cpus.push(i);
  return cpus.join(',');
}
