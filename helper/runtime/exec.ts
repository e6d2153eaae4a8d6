// The parent side of `exec`: run one more process in a created or running
// container. It joins every namespace of the container's init and its
// cgroups, with its own process settings (exec-process.ts builds them from
// runc's flags). The work inside the container is done by the exec stage
// (helper/init/exec-main.ts), driven through exec-sync.ts's protocol. The
// returned promise settles once the process runs (execve succeeded) or the
// stage failed. The process is the stage's child and the stage the caller's:
// the stage waits for it and exits as it did (`exited`), or, with --detach,
// leaves it to the nearest subreaper.
import type { Socket } from 'node:net';
import { closeSync } from 'node:fs';
import { resolve } from 'node:path';
import { NS_PROC_NAME } from '../linux/ns';
import { connectUnix } from '../linux/pty';
import { childOf } from '../linux/proc';
import type { Process, Spec } from '../spec/types';
import type { RuntimeContext } from './api';
import { SyncChannel } from './channel';
import { RuntimeError } from './errors';
import { initCgroupProcs } from './exec-cgroup';
import { spawnExecStage } from './exec-spawn';
import type { ExecAck, ExecConfig, ExecMessage } from './exec-sync';
import { statusOf, toState } from './status';
import { atomicWrite, Store } from './store';

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
   * The caller will not wait (--detach): the process must never be this
   * process's child, whose exit status Node would take. The stage leaves it
   * unreaped, so it goes to the subreaper that runs us (podman's conmon),
   * which collects its status: the point of a detached exec.
   */
  detach?: boolean;
}

export interface Executed {
  /** Host pid of the process. */
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

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
  // Before `start` the init itself is still in the host's time namespace: the container's is its time_for_children.
  const nsPath = (type: keyof typeof NS_PROC_NAME) => `/proc/${st.pid}/ns/${NS_PROC_NAME[type]}${type === 'time' ? '_for_children' : ''}`;
  const cfg: ExecConfig = {
    process: p,
    namespaces: kinds.map((type) => ({ type, path: nsPath(type) })),
    cgroupProcs: initCgroupProcs(st.pid),
    seccomp: spec.linux?.seccomp,
    linux: { personality: spec.linux?.personality, memoryPolicy: spec.linux?.memoryPolicy },
    state: toState(opts.id, status, st),
    preserveFds: opts.preserveFds ?? 0,
    detach: opts.detach === true,
  };

  let consoleSock: number | undefined;
  try {
    if (opts.consoleSocket !== undefined) consoleSock = connectUnix(resolve(opts.consoleSocket));
    const spawned = spawnExecStage(opts.stdio ?? [0, 1, 2], cfg.preserveFds, consoleSock ?? opts.consoleFd);
    const stage = spawned.child;
    cfg.consoleSocketFd = spawned.consoleFd;
    const stageExited: Executed['exited'] = new Promise((res) => stage.once('exit', (code, signal) => res({ code, signal })));
    let exitInfo = '';
    void stageExited.then((x) => (exitInfo = x.signal ? `killed by ${x.signal}` : `exit status ${x.code}`));
    stage.once('error', () => undefined); // reported through the channel's end
    const ch = new SyncChannel(stage.stdio[spawned.syncFd] as Socket, () => `exec stage ended early${exitInfo ? ` (${exitInfo})` : ''}`);
    let pid = 0;
    try {
      ch.send(cfg);
      const m = (await ch.next()) as ExecMessage;
      if (m.type === 'error') throw new RuntimeError(m.message, 'runtime', m.pointer);
      if (m.type !== 'exec') throw new RuntimeError(`exec stage sent \`${JSON.stringify(m).slice(0, 200)}\` instead of exec`);
      pid = ownedBy(m.pid, stage.pid!);
      if (opts.pidFile) atomicWrite(resolve(opts.pidFile), String(pid));
      ch.send({ type: 'ack' } satisfies ExecAck);
    } catch (e) {
      // Only what this exec started: the stage (our child) and the process it forked (checked to be the stage's child).
      if (pid) signalPid(pid, 'SIGKILL');
      if (stage.exitCode === null && stage.signalCode === null) stage.kill('SIGKILL');
      await stageExited;
      throw e;
    } finally {
      ch.close();
    }
    // A detached stage leaves right after the ack: only then is the process the subreaper's and no longer in
    // our tree, which a caller may look at as soon as we return. Otherwise the stage waits and exits as the process did.
    if (opts.detach) await stageExited;
    return { pid, exited: stageExited };
  } finally {
    if (consoleSock !== undefined) closeSync(consoleSock);
  }
}

/**
 * The pid the stage reported, once /proc shows it is the stage's own child:
 * never a pid taken on trust (a forged one could name any host process).
 * The stage does not reap it before our ack, so the pid cannot be reused
 * in between.
 */
function ownedBy(pid: unknown, stagePid: number): number {
  const child = childOf(pid, stagePid);
  if (child === undefined) throw new RuntimeError(`exec stage reported pid ${JSON.stringify(pid)}, which is not its child`);
  return child;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
