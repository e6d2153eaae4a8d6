// The forked child of the exec stage (exec-main.ts): the first process of an
// exec that a container can see. It starts already in the container's mount,
// pid, network, IPC, UTS and cgroup namespaces and cgroups, non-dumpable and
// running the read-only node image (all inherited from the stage), with one
// thread: so it can join the user and time namespaces, which no Node process
// can. Then the process's own settings, and execve. Synchronous calls only;
// it never returns: execve, or an error written to `errFd` and exitNow.
import { closeSync, writeSync } from 'node:fs';
import { exitNow } from '../linux/fork';
import { NS_FLAG, setnsFd } from '../linux/ns';
import type { PreparedSeccomp } from '../linux/seccomp';
import type { ExecConfig } from '../runtime/exec-sync';
import { at, InitError } from './errors';
import { execConsole } from './exec-console';
import { applyLimits, execProcess, resolveExecutable } from './process';

export interface ChildSetup {
  cfg: ExecConfig;
  /** Namespaces still to join, opened by the stage: time before user (as host root it may join either). */
  late: { type: 'user' | 'time'; fd: number; path: string }[];
  seccomp?: PreparedSeccomp;
  /** The write end of the stage's close-on-exec error pipe. */
  errFd: number;
  /** fds only the stage needs (the sync socket): closed first. */
  stageOnly: number[];
}

export function runChild(s: ChildSetup): never {
  try {
    for (const fd of s.stageOnly) closeSync(fd);
    for (const n of s.late) {
      at('/linux/namespaces', () => setnsFd(n.fd, NS_FLAG[n.type], n.path));
      closeSync(n.fd);
    }
    const p = s.cfg.process;
    if (p.terminal) {
      if (s.cfg.consoleSocketFd === undefined) throw new InitError('terminal requested without a console socket', '/process/terminal');
      execConsole(p, s.cfg.consoleSocketFd);
    }
    applyLimits(p);
    const path = resolveExecutable(p);
    const seccomp = s.seccomp;
    execProcess(p, { path, preserveFds: s.cfg.preserveFds, seccomp: seccomp && (() => seccomp.load()), linux: s.cfg.linux });
  } catch (e) {
    const pointer = e instanceof InitError ? e.pointer : undefined;
    try {
      writeSync(s.errFd, JSON.stringify({ message: e instanceof Error ? e.message : String(e), pointer }));
    } catch {
      // the stage is gone: nobody to tell
    }
  }
  exitNow(127);
}
