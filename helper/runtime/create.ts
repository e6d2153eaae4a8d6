// The parent side of `create`: read and check the config, claim the id,
// start the init stage, drive it through the sync protocol (sync.ts) until it
// reports "created", then record the state. Any failure undoes everything:
// the init is killed (its mounts die with its mount namespace), the state
// directory and pid file are removed.
import type { Socket } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { closeSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { mkfifo } from '../linux/exec';
import { childOf, procStat } from '../linux/proc';
import { connectUnix } from '../linux/pty';
import { OCI_VERSION } from '../spec/default';
import type { Spec } from '../spec/types';
import type { CreateOptions, Created, RuntimeContext } from './api';
import { SyncChannel } from './channel';
import { closeHostFds, openHostFds, type HostFds } from './hostfds';
import { idmapHostFds } from './idmap';
import { attachCgroup, deferredLimits } from './cgroups';
import type { CgroupHandle } from '../linux/cgroups';
import { checkConfig, parseConfig } from './config';
import { addNotifyMount, checkNotifySocket } from './notify';
import { RuntimeError } from './errors';
import { runHooks } from './hooks';
import { moveNetDevices } from './netdevices';
import { withLock } from './lock';
import { spawnInit, type SpawnedInit } from './spawn';
import { chownToContainerRoot, finishTrampoline, killTrampolineTree, trampolineFor, type Trampoline } from './userns';
import { toState } from './status';
import { atomicWrite, checkId, Store, type StoredState } from './store';
import type { InitConfig } from './sync';

/**
 * Hands `create` an init stage already spawned in a fresh pid namespace and
 * waiting for its InitConfig (berthd's pool, helper/daemon/pool.ts), or
 * undefined to spawn one. Only asked when no trampoline is needed.
 */
export type InitSource = (spec: Spec, opts: CreateOptions) => SpawnedInit | undefined;

export async function create(ctx: RuntimeContext, opts: CreateOptions, takeInit?: InitSource): Promise<Created> {
  const store = new Store(ctx.root);
  checkId(opts.id);
  const parsed = parseConfig(opts.bundle, opts.configFile);
  const { spec, bundle } = parsed;
  if (opts.env?.length && spec.process) spec.process.env = [...(spec.process.env ?? []), ...opts.env];
  if (opts.notifySocket) checkNotifySocket(opts.notifySocket);
  const terminal = spec.process?.terminal === true;
  if (terminal && opts.consoleSocket === undefined && opts.consoleFd === undefined) {
    throw new RuntimeError('cannot allocate a tty without --console-socket when the container detaches', 'bad-argument', '/process/terminal');
  }
  if (!terminal && opts.consoleSocket !== undefined) {
    throw new RuntimeError('--console-socket given but process.terminal is false', 'bad-argument', '/process/terminal');
  }
  let consoleSock: number | undefined;
  let init: InitHandle | undefined;
  let hostFds: HostFds | undefined;
  try {
    if (opts.consoleSocket !== undefined) consoleSock = connectUnix(resolve(opts.consoleSocket));
    // Node's start-up is most of the init stage's cost: without a trampoline,
    // start it now and validate the config while it boots (it waits for InitConfig).
    if (!needsTrampoline(spec)) init = startInit(spec, opts, consoleSock, undefined, takeInit?.(spec, opts));
    const { rootfs, warnings } = checkConfig(parsed);
    for (const w of warnings) ctx.log?.(w.severity === 'warning' ? 'warn' : 'debug', w.message, { pointer: w.pointer, code: w.code });
    return await withLock(ctx.root, opts.id, async () => {
      store.reserve(opts.id);
      let cg: CgroupHandle | undefined;
      try {
        opts.onReserved?.(store.identity(opts.id)!);
        if (opts.notifySocket) addNotifyMount(spec, store.dir(opts.id), opts.notifySocket);
        store.writeConfig(opts.id, spec);
        mkfifo(store.fifo(opts.id), 0o600);
        // User and time namespaces need a single-threaded step before node (userns.ts).
        const trampoline = trampolineFor(spec);
        if (!init) {
          if (trampoline?.userNs) {
            chownToContainerRoot(store.fifo(opts.id), spec);
            hostFds = openHostFds(spec, bundle, store.fifo(opts.id), !opts.unprivilegedSources);
          }
          init = startInit(spec, opts, consoleSock, trampoline, undefined, hostFds);
        }
        const { child, ch, exited } = init;
        // The init's host pid: the trampoline's child when it forks; its id maps are written first.
        let initPid = trampoline ? await finishTrampoline(child.pid!, trampoline, spec) : child.pid!;
        // Needs the container's user namespace with its maps: the init attaches these sources only after InitConfig.
        if (hostFds) await idmapHostFds(hostFds, spec, initPid);
        // Before the init unshares its cgroup namespace (it waits for the InitConfig below).
        cg = attachCgroup(ctx, store, opts.id, spec, initPid);
        const cfg: InitConfig = {
          id: opts.id, pid: initPid, bundle, rootfs, spec, fifo: store.fifo(opts.id), noPivot: opts.noPivot ?? false,
          preserveFds: opts.preserveFds ?? 0, consoleSocketFd: init.consoleFd, fifoFd: init.fifoFd, bindFds: init.bindFds, deviceFds: init.deviceFds,
          joinPid: joinedPidNs(spec),
        };
        closeHostFds(hostFds);
        ch.send(cfg);
        ctx.log?.('debug', 'init stage configured', { id: opts.id, pid: initPid, cgroup: cg?.paths.path });
        let netDevicesMoved = false;
        for (;;) {
          const m = await ch.next();
          if (m.type === 'error') throw new RuntimeError(m.message, 'runtime', m.pointer);
          if (m.type === 'forked') {
            // The init went on as its child inside the joined pid namespace (helper/init/joinPid.ts).
            initPid = init.adopt(forkedChild(m.pid, initPid));
            continue;
          }
          // The init's network namespace exists by its first message (netdevices.ts).
          if (!netDevicesMoved && spec.linux?.netDevices) moveNetDevices(spec, initPid);
          netDevicesMoved = true;
          if (m.type === 'created') break;
          if (m.type === 'hooks') {
            const state = { ...toState(opts.id, 'creating', undefined), pid: initPid, bundle, annotations: spec.annotations };
            const hookOpts = { warn: (m: string) => ctx.log?.('warn', m) };
            await runHooks('prestart', spec.hooks?.prestart, state, hookOpts);
            await runHooks('createRuntime', spec.hooks?.createRuntime, state, hookOpts);
            ch.send({ type: 'resume' });
          }
        }
        if (cg) deferredLimits(cg, spec);
        const pid = initPid;
        const st: StoredState = {
          ociVersion: spec.ociVersion || OCI_VERSION, id: opts.id, pid, startTime: procStat(pid)?.startTime ?? '',
          bundle, rootfs, created: new Date().toISOString(), owner: 'root', annotations: spec.annotations,
        };
        store.write(st);
        ctx.log?.('debug', 'container created', { id: opts.id, pid });
        if (opts.pidFile) atomicWrite(resolve(opts.pidFile), String(pid));
        ch.close();
        void exited.then((x) => recordExit(ctx, store, opts.id, st.startTime, x));
        return { state: toState(opts.id, 'created', st), exited };
      } catch (e) {
        await init?.kill();
        try {
          cg?.destroy();
        } catch (err) {
          ctx.log?.('warn', (err as Error).message);
        }
        store.remove(opts.id);
        if (opts.pidFile) rmSync(resolve(opts.pidFile), { force: true });
        throw e;
      }
    });
  } catch (e) {
    await init?.kill();
    throw e;
  } finally {
    if (consoleSock !== undefined) closeSync(consoleSock);
    closeHostFds(hostFds);
  }
}

/** A started init stage, waiting for its InitConfig. */
interface InitHandle {
  child: ChildProcess;
  ch: SyncChannel;
  consoleFd?: number;
  /** The init's fds of the exec fifo and (by mount index) the bind sources, opened by the parent (hostfds.ts). */
  fifoFd?: number;
  bindFds?: Record<number, number>;
  deviceFds?: number[];
  exited: Created['exited'];
  /** Records the pid the init forked into a joined pid namespace, killed with it; returns it. */
  adopt(pid: number): number;
  /** SIGKILLs the init (and what it forked) unless it already exited, and waits for it. */
  kill(): Promise<void>;
}

function startInit(spec: Spec, opts: CreateOptions, consoleSock: number | undefined, trampoline?: Trampoline, pooled?: SpawnedInit, hostFds?: HostFds): InitHandle {
  const pidNs = spec.linux?.namespaces?.find((n) => n.type === 'pid');
  // A pid namespace given by path is joined by the init's fork, not by node at birth (joinPid.ts).
  // No V8 helper threads in an init that will fork: the child gets only the forking thread, and a lock a helper held would stay held.
  const nodeArgs = pidNs?.path ? ['--single-threaded'] : [];
  const spawned = pooled ?? spawnInit(pidNs?.path ? undefined : pidNs, opts.stdio ?? [0, 1, 2], opts.preserveFds ?? 0, consoleSock ?? opts.consoleFd, { trampoline, fds: hostFds?.fds, nodeArgs });
  const fifoFd = spawned.extraFds?.[0];
  const bindFds = hostFds && Object.fromEntries(hostFds.mounts.map((m, i) => [m, spawned.extraFds![i + 1]]));
  const deviceFds = hostFds?.devices ? spawned.extraFds!.slice(-hostFds.devices) : undefined;
  const child = spawned.child;
  const exited: Created['exited'] = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
  let exitInfo = '';
  void exited.then((x) => (exitInfo = x.signal ? `killed by ${x.signal}` : `exit status ${x.code}`));
  child.once('error', () => undefined); // reported through the channel's end
  const ch = new SyncChannel(child.stdio[spawned.syncFd] as Socket, () => `init stage ended before the container was created${exitInfo ? ` (${exitInfo})` : ''}`);
  let forked: number | undefined;
  return {
    child, ch, consoleFd: spawned.consoleFd, fifoFd, bindFds, deviceFds, exited,
    adopt: (pid) => (forked = pid),
    async kill() {
      if (forked !== undefined) {
        try {
          process.kill(forked, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        // A forking trampoline's child outlives a SIGKILLed trampoline (userns.ts): kill both.
        if (trampoline?.forks) killTrampolineTree(child.pid);
        else child.kill('SIGKILL');
        await exited;
      }
      ch.close();
    },
  };
}

/** linux.namespaces' pid path, if the container joins an existing pid namespace. */
function joinedPidNs(spec: Spec): string | undefined {
  return spec.linux?.namespaces?.find((n) => n.type === 'pid')?.path;
}

/** The pid the init says it forked, once /proc shows it is the init's own child (never a pid taken on trust). */
function forkedChild(pid: unknown, initPid: number): number {
  const child = childOf(pid, initPid);
  if (child === undefined) throw new RuntimeError(`init stage reported pid ${JSON.stringify(pid)}, which is not its child`);
  return child;
}

/** True when the spec asks for user or time namespaces (or is too malformed to tell: validation will say why). */
function needsTrampoline(spec: Spec): boolean {
  try {
    return trampolineFor(spec) !== undefined;
  } catch {
    return true;
  }
}

/**
 * Keeps the exit status in state.json when this process saw the init exit
 * (berthd, `berth run`). Under the id lock, as every other writer: a delete
 * in another process holds it while it removes the directory, so the record
 * never lands inside that removal (its temp file made the rmdir fail with
 * ENOTEMPTY, its rename brought the container back as `stopped`). Once the
 * lock is ours, a container deleted meanwhile, or another container under
 * the same id, is left alone.
 */
async function recordExit(ctx: RuntimeContext, store: Store, id: string, startTime: string, x: { code: number | null; signal: NodeJS.Signals | null }): Promise<void> {
  try {
    await withLock(ctx.root, id, () => {
      let st: StoredState | undefined;
      try {
        st = store.read(id);
      } catch {
        return; // deleted meanwhile
      }
      if (st && st.startTime === startTime) store.write({ ...st, exit: { code: x.code, signal: x.signal } });
    });
  } catch (e) {
    ctx.log?.('warn', `exit status of \`${id}\` not recorded: ${(e as Error).message}`);
  }
}
