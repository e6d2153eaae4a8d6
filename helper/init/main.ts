// The init stage (dist/init.js): started by `create` (helper/runtime/create.ts)
// as PID 1 of the container's pid namespace, it builds the container around
// itself and becomes the user's process with execve. The steps and messages
// are the protocol written down in helper/runtime/sync.ts. Only synchronous
// calls here: after unshare(CLONE_NEWNS) only the main thread is inside the
// container's mount namespace, libuv's pool threads are not.
import { closeSync, openSync, writeSync } from 'node:fs';
import * as C from '../linux/constants';
import { sethostname, setdomainname } from '../linux/exec';
import { setDumpable } from '../linux/identity';
import { prepareSeccomp, type PreparedSeccomp } from '../linux/seccomp';
import { runHooksSync } from '../runtime/hooks';
import { startStage } from '../runtime/stage-image';
import { SYNC_FD_ENV, type InitConfig, type ParentMessage } from '../runtime/sync';
import type { State } from '../spec/types';
import { applyInitialAffinity } from './attributes';
import { setupConsole } from './console';
import { InitChannel } from './channel';
import { at, InitError } from './errors';
import { forkIntoPidNs, openJoinedPidNs } from './joinPid';
import { enterNamespaces } from './namespaces';
import { becomeNamespaceRoot } from './userns';
import { applyLimits, execProcess, resolveExecutable } from './process';
import { checkProcMounted, enterRootfs, finishRootfs, mountDeferred, prepareRootfs } from './rootfs';

// First, before anything is read: nothing that shares the container's pid
// namespace may ptrace the init or open its /proc files (node itself is
// already a read-only image, see helper/runtime/stage-image.ts).
setDumpable(false);
startStage('berth:init');

function build(ch: InitChannel): { cfg: InitConfig; fifo: number; exe: string; seccomp?: PreparedSeccomp } {
  const cfg = ch.receive<InitConfig>();
  const { spec } = cfg;
  applyInitialAffinity(spec.process!);
  // Started by unshare(1) in a new user namespace: the parent has written the maps by now.
  if (spec.linux?.namespaces?.some((n) => n.type === 'user')) at('/linux/namespaces', becomeNamespaceRoot);
  // Inherited from the parent without close-on-exec: no hook may get it.
  const fifoFd = cfg.fifoFd === undefined ? undefined : reopenCloexec(cfg.fifoFd);
  const joinedPidNs = openJoinedPidNs(cfg);
  const ns = enterNamespaces(spec);
  if (spec.hostname !== undefined) {
    at('/hostname', () => {
      if (!ns.newUts) throw new Error('hostname needs a new uts namespace');
      sethostname(spec.hostname!);
    });
  }
  if (spec.domainname !== undefined) {
    at('/domainname', () => {
      if (!ns.newUts) throw new Error('domainname needs a new uts namespace');
      setdomainname(spec.domainname!);
    });
  }
  if (!ns.ownMountNs) throw new InitError('a mount namespace is required: berth never mounts in the host namespace', '/linux/namespaces');
  const deferred = prepareRootfs(spec, cfg.bundle, cfg.rootfs, cfg.bindFds, cfg.deviceFds, joinedPidNs !== undefined);
  if (spec.hooks?.createRuntime?.length || spec.hooks?.prestart?.length) {
    ch.send({ type: 'hooks' });
    ch.receive<ParentMessage>();
  }
  // In the container's namespaces, before pivot_root (the hook's path is still the host's).
  at('/hooks/createContainer', () => runHooksSync('createContainer', spec.hooks?.createContainer, hookState(cfg, 'creating'), { cwd: cfg.bundle }));
  // Built (libseccomp loaded, an agent's socket connected) while the host's filesystem is still visible; loaded last.
  const seccomp = at('/linux/seccomp', () => prepareSeccomp(spec.linux?.seccomp, { state: hookState(cfg, 'creating'), pid: () => cfg.pid }));
  // Opened before pivot_root while the state directory is still reachable.
  const fifo = fifoFd ?? openSync(cfg.fifo, C.O_PATH | C.O_CLOEXEC);
  enterRootfs(cfg.rootfs, cfg.noPivot);
  // Only now, with the container's root as its own, is a process born into a pid namespace that others share.
  if (joinedPidNs !== undefined) {
    forkIntoPidNs(cfg, ch, joinedPidNs);
    mountDeferred(deferred);
  }
  checkProcMounted();
  if (spec.process?.terminal) {
    if (cfg.consoleSocketFd === undefined) throw new InitError('terminal requested without a console socket', '/process/terminal');
    setupConsole(spec, cfg.consoleSocketFd);
  }
  finishRootfs(spec);
  applyLimits(spec.process!);
  const exe = resolveExecutable(spec.process!);
  return { cfg, fifo, exe, seccomp };
}

/** An inherited fd (not close-on-exec) as a close-on-exec O_PATH one; the old one is closed. */
function reopenCloexec(fd: number): number {
  const again = openSync(`/proc/self/fd/${fd}`, C.O_PATH | C.O_CLOEXEC);
  closeSync(fd);
  return again;
}

/** The runtime.md state given to hooks run from the init stage. */
function hookState(cfg: InitConfig, status: State['status']): State {
  return { ociVersion: cfg.spec.ociVersion, id: cfg.id, status, pid: cfg.pid, bundle: cfg.bundle, annotations: cfg.spec.annotations };
}

function main(): void {
  const ch = new InitChannel(Number(process.env[SYNC_FD_ENV]));
  let built: ReturnType<typeof build>;
  try {
    built = build(ch);
    ch.send({ type: 'created' });
  } catch (e) {
    const pointer = e instanceof InitError ? e.pointer : undefined;
    try {
      ch.send({ type: 'error', message: e instanceof Error ? e.message : String(e), pointer });
    } catch {
      writeSync(2, `berth init: ${(e as Error).message}\n`);
    }
    process.exit(1);
  }
  closeSync(ch.fd);
  // Blocks until `start` opens the fifo for reading.
  const w = openSync(`/proc/self/fd/${built.fifo}`, C.O_WRONLY | C.O_CLOEXEC);
  writeSync(w, '0');
  closeSync(w);
  closeSync(built.fifo);
  try {
    const { cfg } = built;
    execProcess(cfg.spec.process!, {
      startContainer: () => at('/hooks/startContainer', () => runHooksSync('startContainer', cfg.spec.hooks?.startContainer, hookState(cfg, 'running'), { cwd: '/' })),
      path: built.exe,
      preserveFds: cfg.preserveFds,
      keepGroups: cfg.spec.annotations?.['run.oci.keep_original_groups'] === '1',
      seccomp: built.seccomp && (() => built.seccomp!.load()),
      linux: cfg.spec.linux,
    });
  } catch (e) {
    const pointer = e instanceof InitError && e.pointer ? `${e.pointer}: ` : '';
    writeSync(2, `berth init: ${pointer}${(e as Error).message}\n`);
    process.exit(127);
  }
}

main();
