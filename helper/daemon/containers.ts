// The containers berthd serves: the lifecycle calls into the runtime
// library, wrapped with what only a long-lived parent can do — exit
// statuses, consoles, capped output logs, events — and the journal that
// lets a restarted berthd finish or undo whatever a kill -9 interrupted.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupPaths, openCgroup } from '../linux/cgroups';
import { ErrorCode } from '../protocol/errors';
import type { ContainerInfo, CreateParams, ExitStatus, StatsResult } from '../protocol/types';
import type { RuntimeContext, RuntimeState } from '../runtime/api';
import type { DaemonRuntime } from './runtime';
import type { Process, Resources, State } from '../spec/types';
import type { EventBus } from './bus';
import { checkBundle } from './bundle';
import { Console, ConsoleReceiver } from './console';
import { DaemonError, notFound } from './errors';
import { alive, keeperAlive, reclaim, spawnKeeper, startTime, stopKeeper } from './keeper';
import type { Logger } from './log';
import { capLog, closeStdio, openStdio } from './logs';
import { holdersOf, killAll } from './orphans';
import { strictSpec, writeShadowBundle } from './strict';
import { type ContainerRecord, Records } from './records';

export interface Peer {
  uid: number;
  gid: number;
  pid: number;
  /** Non-root caller under --strict. */
  strict: boolean;
}

interface Live {
  record: ContainerRecord;
  console?: Console;
  /** Exit seen through the runtime's child handle (we are the parent). */
  watched: boolean;
  /** Not our child (adopted after a restart): when a sweep last saw it alive, to bound when it exited. */
  seenAlive?: string;
}

const NOT_FOUND = /does not exist|not found|no such container|ENOENT/i;

function exists(id: string): DaemonError {
  return new DaemonError(ErrorCode.Exists, `container ${id}: already exists`, { pointer: '/id' });
}

export class Containers {
  private live = new Map<string, Live>();
  /** Counter naming exec console sockets. */
  private execs = 0;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly runtime: DaemonRuntime,
    private readonly ctx: RuntimeContext,
    readonly records: Records,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    // One timer for housekeeping: exits of containers we are not the parent
    // of (adopted after a restart) and the output log cap.
    this.timer = setInterval(() => this.sweep(), 1000);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    for (const l of this.live.values()) l.console?.close();
  }

  console(id: string): Console | undefined {
    return this.live.get(id)?.console;
  }

  owned(id: string): ContainerRecord | undefined {
    return this.live.get(id)?.record;
  }

  /** Ids of the containers a peer with this uid created through berthd. */
  idsOwnedBy(uid: number): string[] {
    return [...this.live.values()].filter((l) => l.record.owner === uid).map((l) => l.record.id);
  }

  /**
   * A --strict peer acts only on containers it created through berthd: any
   * other (root's, another member's, one made by the CLI) runs outside the
   * peer's user namespace, so an exec, attach or update there is host root.
   */
  checkOwner(id: string, peer: Peer): void {
    if (!peer.strict) return;
    const l = this.live.get(id);
    if (l?.record.owner === peer.uid) return;
    if (!l && !existsSync(join(this.ctx.root, id))) throw notFound(id);
    const by = !l ? 'outside berthd' : l.record.owner === undefined ? 'by root' : `by uid ${l.record.owner}`;
    throw new DaemonError(ErrorCode.Forbidden, `container ${id}: created ${by}; in strict mode uid ${peer.uid} may act only on its own containers`, { pointer: '/id' });
  }

  /** What a peer may list: everything, or a --strict peer's own containers. */
  visibleTo(peer: Peer, infos: ContainerInfo[]): ContainerInfo[] {
    return peer.strict ? infos.filter((c) => this.live.get(c.id)?.record.owner === peer.uid) : infos;
  }

  /** Runtime state, with NotFound for an unknown id. */
  private async runtimeState(id: string): Promise<State> {
    try {
      return await this.runtime.state(this.ctx, id);
    } catch (e) {
      if (NOT_FOUND.test((e as Error).message ?? '') || (e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(id);
      throw e;
    }
  }

  private info(state: RuntimeState): ContainerInfo {
    const l = this.live.get(state.id);
    const r = l?.record;
    return {
      ...state,
      // berthd's own record, else the runtime's: a container made by berth or podman on this root has its created time too.
      created: r?.created || state.created,
      terminal: r?.terminal ?? false,
      owner: r ? 'berthd' : 'external',
      ...(r?.exitStatus ? { exitStatus: r.exitStatus } : {}),
    };
  }

  async state(id: string): Promise<ContainerInfo> {
    return this.info(await this.runtimeState(id));
  }

  async list(): Promise<ContainerInfo[]> {
    const states = await this.runtime.list(this.ctx);
    return states.map((s) => this.info(s));
  }

  async create(p: CreateParams, peer: Peer): Promise<ContainerInfo> {
    const spec = checkBundle(p.bundle, peer.strict ? peer.uid : undefined);
    const checked = peer.strict ? strictSpec(spec, p.bundle, peer.uid, peer.gid) : undefined;
    // Whether the id is free is the runtime's to say: it claims the id under
    // the id lock (store.reserve), the one check the CLI also meets. A check
    // here could pass and the CLI still claim the id first. This one only
    // keeps berthd from journalling two creates of one id.
    if (this.live.has(p.id)) throw exists(p.id);
    const terminal = spec.process?.terminal === true;
    const record: ContainerRecord = { id: p.id, created: new Date().toISOString(), terminal, owner: peer.uid, intent: 'create', defaultCgroup: !spec.linux?.cgroupsPath };
    this.records.save(record);
    const l: Live = { record, watched: false };
    this.live.set(p.id, l);
    let receiver: ConsoleReceiver | undefined;
    let stdio: [number, number, number] | undefined;
    try {
      if (terminal) receiver = await ConsoleReceiver.listen(this.records.consoleSocket(p.id));
      else stdio = openStdio(this.records.logPath(p.id));
      const bundle = checked ? writeShadowBundle(this.records.containerDir(p.id), checked) : p.bundle;
      // strict: the member's bind sources only as far as the member itself can reach them.
      const claimed = (stateDir: string) => {
        record.stateDir = stateDir;
        this.records.save(record);
      };
      const created = await this.runtime.create(this.ctx, { id: p.id, bundle, consoleSocket: receiver?.address, stdio, unprivilegedSources: checked !== undefined, onReserved: claimed });
      const pid = created.state.pid;
      record.pid = pid;
      record.pidStart = pid ? startTime(pid) : undefined;
      if (receiver) {
        const fd = await receiver.received;
        record.keeper = spawnKeeper(fd);
        this.records.save(record); // still with its intent: a restart now also stops the keeper
        l.console = this.newConsole(p.id, fd);
        if (p.consoleSize) l.console.resize(p.consoleSize.rows, p.consoleSize.cols);
      }
      l.watched = true;
      created.exited.then(
        (s) => this.exited(p.id, { code: s.code, signal: s.signal, at: new Date().toISOString() }),
        () => undefined,
      );
      delete record.intent;
      this.records.save(record);
      this.bus.publish('created', p.id, { pid });
      return this.info(created.state);
    } catch (e) {
      await this.undoCreate(p.id);
      throw (e as { kind?: unknown }).kind === 'exists' ? exists(p.id) : e;
    } finally {
      receiver?.close();
      if (stdio) closeStdio(stdio);
    }
  }

  /** A container's console, its scrollback kept on disk so a restarted berthd replays it. */
  private newConsole(id: string, fd: number): Console {
    return new Console(id, fd, this.records.scrollbackPath(id), (e) => this.log('warn', 'console scrollback not persisted any more', { id, error: e.message }));
  }

  /**
   * Undoes a create: berthd's own part always, the runtime's only while the
   * id's state directory is still the one this create claimed, checked under
   * the id lock (removeOwn). A create that lost the id to the CLI claimed
   * nothing and touches nothing of the winner's; one that failed after
   * claiming was already undone by the runtime, unless berthd was killed.
   */
  private async undoCreate(id: string): Promise<void> {
    const l = this.live.get(id);
    const r = l?.record;
    if (r?.stateDir) {
      const fifo = join(this.ctx.root, id, 'exec.fifo');
      try {
        await this.runtime.removeOwn(this.ctx, id, r.stateDir, {
          // An init that never got its state.json is invisible to delete: kill it by the fifo it waits on.
          before: () => killAll(holdersOf(fifo)),
          // The runtime records the cgroup only after making it; a kill in between
          // leaves one delete cannot see. Only an id-named cgroup is surely ours.
          after: () => {
            if (!r.defaultCgroup) return;
            try {
              openCgroup(cgroupPaths(undefined, id)).destroy();
            } catch (e) {
              this.log('warn', 'could not remove the cgroup of a half-created container', { id, error: (e as Error).message });
            }
          },
        });
      } catch (e) {
        this.log('warn', 'could not remove a half-created container', { id, error: (e as Error).message });
      }
    }
    l?.console?.close();
    if (r?.keeper) stopKeeper(r.keeper);
    this.live.delete(id);
    this.records.remove(id);
  }

  private exited(id: string, status: ExitStatus, note?: string): void {
    const l = this.live.get(id);
    if (!l || l.record.exitStatus) return;
    l.record.exitStatus = note ? { ...status, note } : status;
    if (note) l.record.exitNote = note;
    if (l.record.intent !== 'delete') this.records.save(l.record);
    this.bus.publish('exited', id, { exitStatus: status });
  }

  async start(id: string): Promise<ContainerInfo> {
    await this.runtimeState(id);
    await this.runtime.start(this.ctx, id);
    const st = await this.runtimeState(id);
    this.bus.publish('started', id, { pid: st.pid });
    return this.info(st);
  }

  async kill(id: string, signal: string | number, all: boolean): Promise<void> {
    await this.runtimeState(id);
    await this.runtime.kill(this.ctx, id, signal, all);
  }

  async delete(id: string, force: boolean): Promise<void> {
    await this.runtimeState(id);
    const l = this.live.get(id);
    if (l) {
      l.record.intent = 'delete';
      this.records.save(l.record);
    }
    await this.runtime.delete(this.ctx, id, force);
    this.forget(id);
    this.bus.publish('deleted', id);
  }

  /** Deleted outside berthd (the CLI): drop what berthd kept and tell subscribers. */
  vanished(id: string): void {
    const l = this.live.get(id);
    if (!l || l.record.intent) return;
    this.forget(id);
    this.bus.publish('deleted', id);
  }

  private forget(id: string): void {
    const l = this.live.get(id);
    l?.console?.close();
    if (l?.record.keeper) stopKeeper(l.record.keeper);
    this.live.delete(id);
    this.records.remove(id);
  }

  async pause(id: string): Promise<void> {
    await this.runtimeState(id);
    await this.runtime.pause(this.ctx, id);
    this.bus.publish('paused', id);
  }

  async resume(id: string): Promise<void> {
    await this.runtimeState(id);
    await this.runtime.resume(this.ctx, id);
    this.bus.publish('resumed', id);
  }

  async update(id: string, resources: Resources): Promise<void> {
    await this.runtimeState(id);
    await this.runtime.update(this.ctx, id, resources);
  }

  async ps(id: string): Promise<number[]> {
    await this.runtimeState(id);
    return this.runtime.stats(this.ctx, id).pids;
  }

  async stats(id: string): Promise<StatsResult> {
    await this.runtimeState(id);
    const s = this.runtime.stats(this.ctx, id);
    const out: StatsResult = {};
    if (s.stats.cpu) out.cpu = { usageNanos: s.stats.cpu.usage.total };
    const mem = s.stats.memory?.usage;
    if (mem) out.memory = { usageBytes: mem.usage, limitBytes: mem.limit, maxUsageBytes: mem.max, oomKills: s.oomKills };
    if (s.stats.pids) out.pids = { current: s.stats.pids.current, limit: s.stats.pids.limit };
    return out;
  }

  /**
   * Runs a process in the container. Without a terminal its output goes to
   * the container's log; with one, berthd receives its pty master and returns
   * a Console (not kept by a keeper: an exec'd terminal ends with berthd).
   */
  async exec(id: string, proc: Process, size?: { rows: number; cols: number }): Promise<{ pid: number; console?: Console }> {
    await this.runtimeState(id);
    if (proc.terminal) {
      const receiver = await ConsoleReceiver.listen(join(this.records.containerDir(id), `exec-${++this.execs}.sock`));
      try {
        const e = await this.runtime.exec(this.ctx, { id, process: proc, consoleSocket: receiver.address });
        e.exited.catch(() => undefined);
        const con = new Console(id, await receiver.received);
        if (size) con.resize(size.rows, size.cols);
        return { pid: e.pid, console: con };
      } finally {
        receiver.close();
      }
    }
    const stdio = openStdio(this.records.logPath(id));
    try {
      const e = await this.runtime.exec(this.ctx, { id, process: proc, stdio });
      e.exited.catch(() => undefined);
      return { pid: e.pid };
    } finally {
      closeStdio(stdio);
    }
  }

  /** After a restart: finish or undo journalled work, re-adopt the rest. */
  async recover(): Promise<{ adopted: number; cleaned: number }> {
    let adopted = 0;
    let cleaned = 0;
    for (const id of this.records.ids()) {
      const record = this.records.load(id);
      if (!record || record.intent) {
        // Its runtime side goes only if the create had claimed the id and the directory is still that one (undoCreate).
        this.log('info', 'recovery: removing half-done container', { id, intent: record?.intent ?? 'unreadable record', claimed: record?.stateDir !== undefined });
        this.live.set(id, { record: record ?? { id, created: '', terminal: false }, watched: false });
        await this.undoCreate(id);
        cleaned++;
        continue;
      }
      try {
        await this.runtimeState(id);
      } catch {
        // Deleted behind our back (berth delete while berthd was down).
        if (record.keeper) stopKeeper(record.keeper);
        this.records.remove(id);
        continue;
      }
      const l: Live = { record, watched: false };
      this.live.set(id, l);
      if (record.terminal && record.keeper) {
        const fd = reclaim(record.keeper);
        if (fd !== undefined) l.console = this.newConsole(id, fd);
      }
      adopted++;
    }
    this.sweep(true);
    return { adopted, cleaned };
  }

  /** atRecovery: the first sweep of a restarted berthd, before which the previous one was down for an unknown time. */
  private sweep(atRecovery = false): void {
    const now = new Date().toISOString();
    for (const [id, l] of this.live) {
      const r = l.record;
      if (r.intent) continue;
      if (!l.watched && !r.exitStatus && r.pid) {
        if (alive(r.pid, r.pidStart)) l.seenAlive = now;
        else {
          // Not our child any more: the exit happened, its status went to whoever reaped it (the host's init).
          const when = atRecovery || !l.seenAlive ? 'while no berthd was running (seen at start-up)' : `between ${l.seenAlive} and ${now}`;
          const note = `exit status unknown: the container exited ${when}; berthd was restarted after it started, so it was not its parent`;
          this.log('warn', 'container exited, status unknown', { id, pid: r.pid, note });
          this.exited(id, { code: null, signal: null, at: now }, note);
        }
      }
      if (!r.terminal) {
        try {
          capLog(this.records.logPath(id));
        } catch (e) {
          this.log('warn', 'output log cap failed', { id, error: (e as Error).message });
        }
      }
      if (r.keeper && r.exitStatus && l.console?.isClosed && !keeperAlive(r.keeper)) delete r.keeper;
    }
  }

  /** Container ids this berthd created and still tracks. */
  ownedIds(): string[] {
    return [...this.live.keys()];
  }
}
