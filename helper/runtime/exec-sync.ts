// The protocol between `exec` (parent side, helper/runtime/exec.ts) and the
// exec stage (helper/init/exec-main.ts, dist/exec.js). Same channel as the
// init's (sync.ts): a Unix stream socket at fd BERTH_SYNC_FD, one JSON object
// per line.
//
// The stage is born in the host's pid namespace, where no container process
// can see it (so none can ptrace it, reach the host's / through
// /proc/<stage>/root, or take its fds), and enters the container in two
// steps: itself into the container's cgroups and every namespace a
// multi-threaded process may join, then a fork() that is the first process
// the container can see: already in its mount namespace, non-dumpable
// (inherited) and running the read-only node image. That child joins the
// user and time namespaces (single-threaded, so it can), sets up the
// process and execve's it.
//
//   parent                      exec stage (host pid ns)        child (container pid ns)
//   ------                      ------------------------        ------------------------
//   spawn node dist/exec.js     non-dumpable first
//   → ExecConfig                open namespace and cgroup.procs
//                               files and the seccomp listener
//                               (host paths); join the cgroups;
//                               setns every namespace but user
//                               and time (pid: for children),
//                               mount last; fork ─────────────→ time, user namespaces;
//                                                               tty; limits; user, caps,
//                                                               seccomp; execve (an error
//                                                               goes to the stage by a
//                                                               close-on-exec pipe)
//                  ← {exec,pid} the pipe closed empty: execve
//                               succeeded
//                  or ← {error} (the child's or its own), exit 1
//   check pid is the stage's
//   child; → {ack}              detached: exit; otherwise wait
//                               for the child and exit as it did
//                               (a signal is raised again)
import type { Linux, Process, Seccomp, State } from '../spec/types';

export interface ExecConfig {
  process: Process;
  /** /proc/<init>/ns/<name> for each namespace the container has (time: time_for_children). */
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
  /** The caller will not wait: the stage leaves the process to the nearest subreaper. */
  detach: boolean;
}

/** Stage → parent. `pid` is the process's host pid; the parent checks it is the stage's own child. */
export type ExecMessage = { type: 'exec'; pid: number } | { type: 'error'; message: string; pointer?: string };

/** Parent → stage, after checking `exec`'s pid: the stage may now let the process go (or wait for it). */
export interface ExecAck {
  type: 'ack';
}
