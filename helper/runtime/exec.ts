// The parent side of `exec`: run one more process in a created or running
// container. It joins every namespace of the container's init and its
// cgroups, with its own process settings (exec-process.ts builds them from
// runc's flags). The work inside the container is done by the exec stage
// (helper/init/exec-main.ts), driven through exec-sync.ts's protocol. The
// returned promise settles once the process runs (execve succeeded) or the
// stage failed; the process stays a child of the caller, which may wait for
// it (`exited`) or leave it (--detach).
import type { Socket } from 'node:net';
import { closeSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NS_PROC_NAME } from '../linux/ns';
import { connectUnix } from '../linux/pty';
import type { Process, Spec, State } from '../spec/types';
import type { RuntimeContext } from './api';
import { SyncChannel } from './channel';
import { RuntimeError } from './errors';
import { initCgroupProcs } from './exec-cgroup';
import { spawnExecStage } from './exec-spawn';
import type { ExecConfig, ExecMessage } from './exec-sync';
import { statusOf, toState } from './status';
import { atomicWrite, Store } from './store';
import { NSENTER, type Trampoline } from './userns';

export interface ExecOptions {
  id: string;
  process: Process;
  pidFile?: string;
  /** runc's --console-socket: receives the pty master when process.terminal is true. */
  consoleSocket?: string;
  /** An already connected socket that receives the pty master (the CLI's own console, berthd). */
  consoleFd?: number;
  preserveFds?: number;
  stdio?: [number, number, number];
  /**
   * The caller will not wait (--detach): the stage must never be this
   * process's child. Node reaps its children the moment they exit, so a short
   * process would be gone before the subreaper that runs us (podman's conmon)
   * could collect its status, which is the point of a detached exec.
   */
  detach?: boolean;
}

export interface Executed {
  /** Host pid of the process. */
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Namespaces a Node stage cannot join (setns needs a single-threaded caller for these). */
const SINGLE_THREADED = new Set(['user', 'time']);

export async function exec(ctx: RuntimeContext, opts: ExecOptions): Promise<Executed> {
  const store = new Store(ctx.root);
  const st = store.read(opts.id);
  const status = statusOf(store, opts.id, st);
  if (!st || (status !== 'running' && status !== 'created')) throw new RuntimeError(`cannot exec in container \`${opts.id}\`: it is ${status}`, 'invalid-state');
  const spec: Spec = store.readConfig(opts.id);
  const p = opts.process;
  if (p.terminal && opts.consoleSocket === undefined && opts.consoleFd === undefined) throw new RuntimeError('--tty needs --console-socket when the process detaches', 'bad-argument', '/process/terminal');
  if (!p.terminal && opts.consoleSocket !== undefined) throw new RuntimeError('--console-socket given without --tty', 'bad-argument', '/process/terminal');

  const kinds = (spec.linux?.namespaces ?? []).map((n) => n.type);
  const nsPath = (type: keyof typeof NS_PROC_NAME) => `/proc/${st.pid}/ns/${NS_PROC_NAME[type]}`;
  // User and time namespaces are joined by nsenter(1) before node starts (userns.ts says why).
  const trampoline = joinTrampoline(kinds, nsPath);
  const cgroupProcs = initCgroupProcs(st.pid);
  const state: State = toState(opts.id, status, st);
  const cfg: ExecConfig = {
    process: p,
    namespaces: kinds.filter((k) => k !== 'pid' && !SINGLE_THREADED.has(k)).map((type) => ({ type, path: nsPath(type) })),
    // A stage inside the container's user namespace may not write the host's cgroup files: the parent moves it.
    cgroupProcs: trampoline?.userNs ? [] : cgroupProcs,
    seccomp: spec.linux?.seccomp,
    linux: { personality: spec.linux?.personality, memoryPolicy: spec.linux?.memoryPolicy },
    state,
    preserveFds: opts.preserveFds ?? 0,
  };

  let consoleSock: number | undefined;
  try {
    if (opts.consoleSocket !== undefined) consoleSock = connectUnix(resolve(opts.consoleSocket));
    const pidNs = kinds.includes('pid') ? nsPath('pid') : undefined;
    const spawned = opts.detach
      ? spawnExecStage(undefined, opts.stdio ?? [0, 1, 2], cfg.preserveFds, consoleSock ?? opts.consoleFd, detachedTrampoline(pidNs, trampoline))
      : spawnExecStage(pidNs, opts.stdio ?? [0, 1, 2], cfg.preserveFds, consoleSock ?? opts.consoleFd, trampoline);
    const child = spawned.child;
    let pid = 0;
    cfg.consoleSocketFd = spawned.consoleFd;
    const exited: Executed['exited'] = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
    let exitInfo = '';
    void exited.then((x) => (exitInfo = x.signal ? `killed by ${x.signal}` : `exit status ${x.code}`));
    child.once('error', () => undefined); // reported through the channel's end
    const ch = new SyncChannel(child.stdio[spawned.syncFd] as Socket, () => `exec stage ended early${exitInfo ? ` (${exitInfo})` : ''}`);
    const expect = async (type: ExecMessage['type']) => {
      const m = (await ch.next()) as ExecMessage;
      if (m.type === 'error') throw new RuntimeError(m.message, 'runtime', m.pointer);
      if (m.type !== type) throw new RuntimeError(`exec stage sent \`${JSON.stringify(m)}\` instead of ${type}`);
      return m;
    };
    try {
      pid = ((await expect('hello')) as { pid: number }).pid;
      if (trampoline?.userNs) for (const f of cgroupProcs) writeFileSync(f, String(pid));
      ch.send(cfg);
      await expect('exec');
      // Now the socket either closes (close-on-exec: execve succeeded) or carries execve's error.
      const after = (await ch.next().then((x) => x, () => undefined)) as ExecMessage | undefined;
      if (after?.type === 'error') throw new RuntimeError(after.message, 'runtime', after.pointer);
    } catch (e) {
      if (pid) process.kill(pid, 'SIGKILL');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      throw e;
    } finally {
      ch.close();
    }
    if (opts.pidFile) atomicWrite(resolve(opts.pidFile), String(pid));
    return { pid, exited };
  } finally {
    if (consoleSock !== undefined) closeSync(consoleSock);
  }
}

/**
 * nsenter(1) in front of the exec stage for the container's user and time
 * namespaces, which only a single-threaded process may join. In the user
 * namespace it becomes uid/gid 0 there (-S 0 -G 0), so the stage starts with
 * every capability of that namespace; it does not fork (no --pid), so the
 * spawned pid is the stage's and, after execve, the process's.
 */
function joinTrampoline(kinds: string[], nsPath: (type: 'user' | 'time') => string): Trampoline | undefined {
  const user = kinds.includes('user');
  const time = kinds.includes('time');
  if (!user && !time) return undefined;
  const args: string[] = [];
  if (user) args.push(`--user=${nsPath('user')}`, '--setuid', '0', '--setgid', '0');
  // The init makes a new time namespace for its children and its own execve (timens.ts): time_for_children is the container's before `start` too.
  if (time) args.push(`--time=${nsPath('time')}_for_children`);
  args.push('--');
  return { command: NSENTER, args, makesPidNs: false, forks: false, userNs: user };
}


/**
 * For --detach: `nsenter -F [--pid=…] [user/time] -- sh -c '"$0" "$@" <&0 &'`
 * in front of node. nsenter sets the shell's pid_for_children to the
 * container's pid namespace without forking, so the shell itself stays in
 * the host's: when it exits right after starting the stage in the
 * background, the kernel hands the orphan to the nearest subreaper among the
 * shell's ancestors in the host's pid namespace (conmon), not to the
 * container's init, which is what it would pick for an orphan whose parent
 * was inside the container's pid namespace. `<&0` keeps stdin, which a
 * non-interactive shell points at /dev/null for background jobs.
 */
function detachedTrampoline(pidNs: string | undefined, join: Trampoline | undefined): Trampoline {
  const nsArgs = [...(pidNs ? [`--pid=${pidNs}`] : []), ...(join ? join.args.slice(0, -1) : [])];
  const shell = ['/bin/sh', '-c', '"$0" "$@" <&0 &'];
  const args = nsArgs.length ? ['-F', ...nsArgs, '--', ...shell] : shell.slice(1);
  return { command: nsArgs.length ? NSENTER : '/bin/sh', args, makesPidNs: false, forks: true, userNs: join?.userNs ?? false };
}
