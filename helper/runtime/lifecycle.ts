// start, state, list, kill and delete: each reads the store, computes the
// live status and refuses transitions runtime.md forbids.
import { closeSync, openSync, readFileSync, readSync, readlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import * as C from '../linux/constants';
import { isAlive, pidsInNamespace } from '../linux/proc';
import type { Spec, State, Status } from '../spec/types';
import type { RuntimeContext, RuntimeState } from './api';
import { RuntimeError } from './errors';
import { withLock } from './lock';
import { parseSignal } from './signals';
import { statusOf, toState } from './status';
import { destroyContainerCgroup, signalAll } from './cgroups';
import { runHooks } from './hooks';
import { Store, type StoredState } from './store';
import { killTrampolined } from './userns';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function load(ctx: RuntimeContext, id: string): { store: Store; st: StoredState | undefined; status: Status } {
  const store = new Store(ctx.root);
  const st = store.read(id);
  return { store, st, status: statusOf(store, id, st) };
}

export async function state(ctx: RuntimeContext, id: string): Promise<RuntimeState> {
  const { st, status } = load(ctx, id);
  return withCreated(toState(id, status, st), st?.created);
}

function withCreated(s: State, created: string | undefined): RuntimeState {
  return created ? { ...s, created } : s;
}

/** States plus the fields runc's `list` shows. */
export async function listDetailed(ctx: RuntimeContext): Promise<(State & { rootfs: string; created: string; owner: string })[]> {
  const store = new Store(ctx.root);
  const out = [];
  for (const id of store.ids()) {
    try {
      const { st, status } = load(ctx, id);
      out.push({ ...toState(id, status, st), rootfs: st?.rootfs ?? '', created: st?.created ?? '', owner: st?.owner ?? '' });
    } catch {
      // removed while listing
    }
  }
  return out;
}

export async function list(ctx: RuntimeContext): Promise<RuntimeState[]> {
  return (await listDetailed(ctx)).map(({ rootfs: _r, created, owner: _o, ...s }) => withCreated(s, created));
}

export async function config(ctx: RuntimeContext, id: string): Promise<Spec> {
  return new Store(ctx.root).readConfig(id);
}

export async function start(ctx: RuntimeContext, id: string): Promise<void> {
  await withLock(ctx.root, id, async () => {
    const { store, st, status } = load(ctx, id);
    if (status !== 'created' || !st) throw new RuntimeError(`cannot start container \`${id}\`: it is ${status}, not created`, 'invalid-state');
    // The init is blocked opening the fifo for writing: opening it for
    // reading releases it, and its one byte says it passed the point of no return.
    const fd = openSync(store.fifo(id), C.O_RDONLY | C.O_NONBLOCK | C.O_CLOEXEC);
    try {
      const b = Buffer.alloc(1);
      for (;;) {
        let n = 0;
        try {
          n = readSync(fd, b, 0, 1, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
        if (n === 1) break;
        // The init may write its byte, exec and exit between our read and
        // this check (a /bin/true container): read once more before failing.
        if (!isAlive(st.pid, st.startTime)) {
          if (readSync(fd, b, 0, 1, null) === 1) break;
          throw new RuntimeError(`cannot start container \`${id}\`: its init exited`, 'invalid-state');
        }
        await sleep(1);
      }
    } finally {
      closeSync(fd);
    }
    unlinkSync(store.fifo(id));
    const spec = store.readConfig(id);
    if (spec.hooks?.poststart?.length) {
      try {
        await runHooks('poststart', spec.hooks.poststart, toState(id, 'running', st), { warn: (m) => ctx.log?.('warn', m) });
      } catch (e) {
        // runtime.md: a failed poststart hook stops the container; the caller deletes it.
        for (const pid of containerPids(st)) process.kill(pid, 'SIGKILL');
        throw new RuntimeError((e as Error).message, 'runtime', (e as Error).message.match(/^(\/hooks\/poststart\/\d+)/)?.[1]);
      }
    }
  });
}

export async function kill(ctx: RuntimeContext, id: string, signal: string | number, all = false): Promise<void> {
  const sig = parseSignal(signal);
  const { store, st, status } = load(ctx, id);
  if (!st || (status !== 'created' && status !== 'running' && status !== 'paused')) {
    throw new RuntimeError(`cannot kill container \`${id}\`: it is ${status}`, 'invalid-state');
  }
  // The cgroup knows every process, and freezing it around the signal lets none fork away.
  // Through a user/time namespace trampoline, so that its waiter reports SIGKILL (userns.ts).
  if (sig === 9) killTrampolined(st.pid);
  if (all && signalAll(store, id, sig)) return;
  const pids = all ? containerPids(st) : [st.pid];
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }
}

/** Every process of the container: those sharing the init's pid namespace (cgroups will do better). */
function containerPids(st: StoredState): number[] {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${st.pid}/ns/pid`);
  } catch {
    return [st.pid];
  }
  if (ns === readlinkSync('/proc/self/ns/pid')) return [st.pid]; // shares the host's: only the init is ours
  return pidsInNamespace(ns);
}

export async function remove(ctx: RuntimeContext, id: string, force = false): Promise<void> {
  await withLock(ctx.root, id, () => removeHeld(ctx, id, force));
}

/**
 * Undoes a create of the caller's own, whatever point it reached: under the
 * id lock, and only while <root>/<id> is still the directory that create
 * claimed (`identity`, from CreateOptions.onReserved). Then `before` runs
 * (berthd kills an init not yet recorded in state.json, which delete cannot
 * see), the container is deleted with force, and `after` runs even if that
 * failed (berthd removes a cgroup made but not yet recorded). Returns false,
 * touching nothing, when the directory is gone or is another one: a
 * container someone else made under the id (the CLI winning the id, or
 * creating it again after a delete) is never undone.
 */
export async function removeOwn(ctx: RuntimeContext, id: string, identity: string, steps: { before?: () => Promise<void> | void; after?: () => void } = {}): Promise<boolean> {
  return withLock(ctx.root, id, async () => {
    if (new Store(ctx.root).identity(id) !== identity) return false;
    try {
      await steps.before?.();
      await removeHeld(ctx, id, true);
    } finally {
      steps.after?.();
    }
    return true;
  });
}

/** delete, for a caller holding the id lock. */
async function removeHeld(ctx: RuntimeContext, id: string, force: boolean): Promise<void> {
  const { store, st, status } = load(ctx, id);
  if (status !== 'stopped') {
    if (!force) throw new RuntimeError(`cannot delete container \`${id}\` that is not stopped: ${status}`, 'invalid-state');
    if (st) {
      // Through the cgroup first: it thaws a paused container, or SIGKILL would wait for a resume.
      killTrampolined(st.pid);
      signalAll(store, id, 'SIGKILL');
      for (const pid of containerPids(st)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const deadline = Date.now() + 5000;
      let thawed = false;
      while (isAlive(st.pid, st.startTime)) {
        if (Date.now() > deadline) throw new RuntimeError(`container \`${id}\`: init ${st.pid} did not die after SIGKILL`);
        // A frozen task cannot die: thaw the v1 freezer cgroup holding it, wherever someone put it.
        if (!thawed && Date.now() > deadline - 4500) thawed = thawFreezerOf(st.pid);
        await sleep(2);
      }
    }
  }
  destroyContainerCgroup(store, id);
  let spec: Spec | undefined;
  try {
    spec = store.readConfig(id);
  } catch {
    spec = undefined; // a container that died while being created
  }
  store.remove(id);
  // After the container is gone (runtime.md step 12); failures are warnings.
  await runHooks('poststop', spec?.hooks?.poststop, toState(id, 'stopped', st), { warn: (m) => ctx.log?.('warn', m) });
}

/** Writes THAWED to the cgroup v1 freezer that holds `pid`, if it is frozen; true when it did. */
function thawFreezerOf(pid: number): boolean {
  try {
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.split(':')[1]?.split(',').includes('freezer'));
    if (!line) return false;
    const dir = `/sys/fs/cgroup/freezer${line.split(':').slice(2).join(':')}`;
    if (!readFileSync(`${dir}/freezer.state`, 'utf8').startsWith('FROZEN')) return false;
    writeFileSync(`${dir}/freezer.state`, 'THAWED');
    return true;
  } catch {
    return false;
  }
}
