// The protocol between `exec` (parent side, helper/runtime/exec.ts) and the
// exec stage (helper/init/exec-main.ts, dist/exec.js). Same channel as the
// init's (sync.ts): a Unix stream socket at fd BERTH_SYNC_FD, one JSON object
// per line.
//
//   parent                                  exec stage
//   ------                                  ----------
//   setns(pid_for_children, init's pid ns)
//   spawn node dist/exec.js; setns back     non-dumpable first
//                              ← {hello,pid} its host pid
//   (user ns: move it into the cgroups)
//   → ExecConfig                            open cgroup.procs files and the seccomp
//                                           listener (host paths); unshare(CLONE_FS);
//                                           join the cgroup, then setns into each of
//                                           the init's namespaces; tty; limits;
//                                           resolve args[0]
//                              ← {exec}     user, caps, nnp, seccomp, execve
//   EOF (the socket is close-on-exec)
//   = the process runs                      or ← {error} and exit 127 if execve failed
//
// Any failure before {exec} is ← {error, message, pointer?} and exit 1.
import type { Linux, Process, Seccomp, State } from '../spec/types';

export interface ExecConfig {
  process: Process;
  /** /proc/<init>/ns/<name> for each namespace the container has, except pid (set by the parent). */
  namespaces: { type: string; path: string }[];
  /** The init's cgroup.procs files (one per hierarchy), joined just before the namespaces. */
  cgroupProcs: string[];
  seccomp?: Seccomp;
  /** The container's execution domain and NUMA policy, which its exec'd processes share. */
  linux?: Pick<Linux, 'personality' | 'memoryPolicy'>;
  /** The state sent to a seccomp agent beside the notify fd. */
  state: State;
  preserveFds: number;
  /** fd (in the stage) of the connected console socket, when process.terminal is true. */
  consoleSocketFd?: number;
}

/** `hello` carries the stage's host pid: with --detach the stage is not the parent's child (exec.ts). */
export type ExecMessage = { type: 'hello'; pid: number } | { type: 'exec' } | { type: 'error'; message: string; pointer?: string };
