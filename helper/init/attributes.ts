// The process attributes of config-linux.md and config.md's Linux process
// that the kernel keeps across execve: security labels, scheduler, I/O
// priority, execution domain, NUMA policy and CPU affinity. Set on the
// init's main thread (the one that execve's) while it still holds every
// capability (SCHED_FIFO, IOPRIO_CLASS_RT need them) and before a seccomp
// filter could forbid the calls.
import { getCpuAffinity, setCpuAffinity } from '../linux/attrs/affinity';
import { setIoPriority, type IoPrioClass } from '../linux/attrs/ioprio';
import { setMemoryPolicy } from '../linux/attrs/mempolicy';
import { setPersonality } from '../linux/attrs/personality';
import { setScheduler } from '../linux/attrs/sched';
import type { SysError } from '../linux/errors';
import { setApparmorExecProfile, setSelinuxExecLabel } from '../linux/lsm';
import type { Linux, Process } from '../spec/types';
import { at } from './errors';

/** The linux.* fields that describe the process rather than its container. */
export type ProcessLinux = Pick<Linux, 'personality' | 'memoryPolicy'>;

/** What the stage ran on before `initial`: without `final` the process gets it back (the spec leaves it to the kernel). */
let before: string | undefined;

/** execCPUAffinity.initial: the CPUs the stage runs on while it joins the container. */
export function applyInitialAffinity(p: Process): void {
  const list = p.execCPUAffinity?.initial;
  if (!list) return;
  before = getCpuAffinity();
  at('/process/execCPUAffinity/initial', () => setCpuAffinity(list));
}

/** Everything that must hold from the first instruction of the container's process on. */
export function applyExecAttributes(p: Process, linux: ProcessLinux | undefined): void {
  if (p.apparmorProfile) at('/process/apparmorProfile', () => setApparmorExecProfile(p.apparmorProfile!));
  if (p.selinuxLabel) at('/process/selinuxLabel', () => setSelinuxExecLabel(p.selinuxLabel!));
  if (p.scheduler) at('/process/scheduler', () => withRealtimeHint(p.scheduler!.policy, () => setScheduler(p.scheduler!)));
  if (p.ioPriority) at('/process/ioPriority', () => setIoPriority(p.ioPriority!.class as IoPrioClass, p.ioPriority!.priority ?? 0));
  if (linux?.personality) at('/linux/personality', () => setPersonality(linux.personality!.domain));
  if (linux?.memoryPolicy) at('/linux/memoryPolicy', () => setMemoryPolicy(linux.memoryPolicy!));
  const final = p.execCPUAffinity?.final;
  if (final) at('/process/execCPUAffinity/final', () => setCpuAffinity(final));
  else if (before) at('/process/execCPUAffinity/initial', () => setCpuAffinity(before!));
}

/**
 * With RT group scheduling (cgroup v1 cpu.rt_runtime_us), a new cpu cgroup
 * has no realtime budget, so SCHED_FIFO/SCHED_RR fail with EPERM even for
 * root: say where the budget comes from.
 */
function withRealtimeHint(policy: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if ((e as SysError).code === 'EPERM' && (policy === 'SCHED_FIFO' || policy === 'SCHED_RR')) {
      throw new Error(`${(e as Error).message} (the container's cpu cgroup has no realtime budget: set linux.resources.cpu.realtimeRuntime)`, { cause: e });
    }
    throw e;
  }
}
