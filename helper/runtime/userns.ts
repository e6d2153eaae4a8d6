// User and time namespaces for the init, through a single-threaded step.
//
// Why a trampoline: the kernel lets only a single-threaded process create or
// join a user namespace (unshare/setns CLONE_NEWUSER fail with EINVAL in a
// Node process, which always has several threads), and a time namespace's
// offsets must be written before any process enters it, which only a fork
// after unshare(CLONE_NEWTIME) gives. util-linux's unshare(1) is that step:
// already installed (Debian's util-linux, essential), single-threaded, and it
// does exactly this sequence. Measured here: `unshare -U -p -f --keep-caps --
// /bin/true` costs under 5 ms, so Node's own start-up (about 80 ms) stays the
// cost of the init stage.
//
// The sequence, for a config with a new user namespace:
//   parent: spawn `unshare --user --keep-caps [--pid --fork --kill-child]
//           [--time --monotonic S --boottime S] -- node init.js`
//   unshare(1): unshare(USER|PID|TIME), sets time offsets, forks; the child
//           raises every capability it holds in the new user namespace into
//           the ambient set (--keep-caps) and execs node, so the init keeps
//           them although its uid is not mapped yet
//   parent: sees the new user namespace in /proc/<unshare>/ns/user, writes
//           setgroups, gid_map and uid_map there (the spec's "written by the
//           parent"), then drives the init as usual
//   init:   becomes root of its namespace (helper/init/userns.ts) before
//           anything else, then unshares the other namespaces, which are so
//           owned by the container's user namespace (mounting proc, sysfs,
//           mqueue there needs exactly that)
// The pid namespace is made by the trampoline after the user namespace, for
// the same ownership reason; so with a trampoline the parent must not unshare
// it itself. With --fork the init is unshare(1)'s child: its host pid is the
// trampoline's only child, and unshare(1) waits for it and exits with its
// status (--kill-child: killing the trampoline kills the init).
import { chownSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import type { IdMapping, Spec } from '../spec/types';
import { RuntimeError } from './errors';

export const UNSHARE = '/usr/bin/unshare';
export const NSENTER = '/usr/bin/nsenter';

export interface Trampoline {
  command: string;
  /** unshare(1)'s options, to be followed by node and its arguments. */
  args: string[];
  /** The trampoline makes the pid namespace: the parent must not unshare one. */
  makesPidNs: boolean;
  /** unshare(1) forks: the init is its child, not the spawned process. */
  forks: boolean;
  userNs: boolean;
}

/** The trampoline a config needs, or undefined when the init can start directly. */
export function trampolineFor(spec: Spec): Trampoline | undefined {
  const ns = spec.linux?.namespaces ?? [];
  const user = ns.find((n) => n.type === 'user');
  const time = ns.find((n) => n.type === 'time');
  const pid = ns.find((n) => n.type === 'pid');
  if (user?.path) throw new RuntimeError('joining an existing user namespace by path is not supported yet', 'runtime', `/linux/namespaces/${ns.indexOf(user)}/path`);
  if (time?.path) throw new RuntimeError('joining an existing time namespace by path is not supported yet', 'runtime', `/linux/namespaces/${ns.indexOf(time)}/path`);
  if (!user && !time) {
    if (spec.linux?.timeOffsets) throw new RuntimeError('timeOffsets needs a time namespace', 'bad-bundle', '/linux/timeOffsets');
    return undefined;
  }
  const args: string[] = [];
  if (user) {
    checkMappings(spec.linux?.uidMappings, '/linux/uidMappings');
    checkMappings(spec.linux?.gidMappings, '/linux/gidMappings');
    args.push('--user', '--keep-caps');
  }
  if (time) {
    args.push('--time');
    for (const [clock, off] of Object.entries(spec.linux?.timeOffsets ?? {})) {
      const p = `/linux/timeOffsets/${clock}`;
      if (clock !== 'monotonic' && clock !== 'boottime') throw new RuntimeError(`unknown clock \`${clock}\` (monotonic or boottime)`, 'bad-bundle', p);
      if (off.nanosecs) throw new RuntimeError('offsets are whole seconds here: util-linux unshare(1) sets no nanoseconds', 'runtime', `${p}/nanosecs`);
      args.push(`--${clock}`, String(off.secs ?? 0));
    }
  }
  // A user namespace made after a pid namespace would not own it; and a time
  // namespace is entered only by children. Both need the trampoline to fork.
  const makesPidNs = pid !== undefined && !pid.path && (user !== undefined || time !== undefined);
  if (makesPidNs) args.push('--pid');
  const forks = makesPidNs || time !== undefined;
  if (forks) args.push('--fork', '--kill-child');
  args.push('--');
  return { command: UNSHARE, args, makesPidNs, forks, userNs: user !== undefined };
}

function checkMappings(m: IdMapping[] | undefined, pointer: string): void {
  if (!m?.length) throw new RuntimeError('a new user namespace needs id mappings', 'bad-bundle', pointer);
  if (m.length > 340) throw new RuntimeError(`${m.length} mappings: the kernel takes at most 340`, 'bad-bundle', pointer);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, pid: number, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    let st = '';
    try {
      st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      // gone
    }
    const state = st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3);
    if (!st || state === 'Z' || state === 'X') throw new RuntimeError(`user namespace trampoline \`${UNSHARE}\` exited before ${what}`);
    if (Date.now() > deadline) throw new RuntimeError(`user namespace trampoline \`${UNSHARE}\`: timed out waiting for ${what}`);
    await sleep(1);
  }
}

/** A uid_map / gid_map text. */
export function mapText(m: IdMapping[]): string {
  return m.map((x) => `${x.containerID} ${x.hostID} ${x.size}\n`).join('');
}

/**
 * Writes the id maps of the user namespace `pid` lives in. setgroups is
 * denied only when the writer is unprivileged (the kernel then requires it);
 * as root it stays allowed so the container's own root can call setgroups.
 */
export function writeIdMaps(pid: number, spec: Spec): void {
  const write = (file: string, text: string, pointer: string) => {
    try {
      writeFileSync(`/proc/${pid}/${file}`, text);
    } catch (e) {
      throw new RuntimeError(`write /proc/${pid}/${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'runtime', pointer);
    }
  };
  if (process.geteuid?.() !== 0) write('setgroups', 'deny', '/linux/gidMappings');
  write('gid_map', mapText(spec.linux!.gidMappings!), '/linux/gidMappings');
  write('uid_map', mapText(spec.linux!.uidMappings!), '/linux/uidMappings');
}

/**
 * After spawning the trampoline (pid `tpid`): waits for its user namespace,
 * writes the maps, and returns the host pid of the init (the trampoline
 * itself, or its child when it forks).
 */
export async function finishTrampoline(tpid: number, tr: Trampoline, spec: Spec): Promise<number> {
  if (tr.userNs) {
    const own = readlinkSync('/proc/self/ns/user');
    await waitFor('making the user namespace', tpid, () => {
      try {
        return readlinkSync(`/proc/${tpid}/ns/user`) !== own ? true : undefined;
      } catch {
        return undefined;
      }
    });
    writeIdMaps(tpid, spec);
  }
  if (!tr.forks) return tpid;
  return waitFor('starting the init', tpid, () => {
    try {
      const kids = readFileSync(`/proc/${tpid}/task/${tpid}/children`, 'utf8').trim();
      return kids ? Number(kids.split(' ')[0]) : undefined;
    } catch {
      return undefined;
    }
  });
}

/** The host id that container id 0 maps to, or undefined when 0 is not mapped. */
export function hostIdOfRoot(m: IdMapping[] | undefined): number | undefined {
  const hit = (m ?? []).find((x) => x.containerID <= 0 && 0 < x.containerID + x.size);
  return hit && hit.hostID - hit.containerID;
}

/**
 * Gives a file the init must open after it became its namespace's root (the
 * exec fifo) to that root's host uid and gid, as runc does: host root's
 * files are out of reach of a user namespace that does not map host root.
 */
export function chownToContainerRoot(path: string, spec: Spec): void {
  const uid = hostIdOfRoot(spec.linux?.uidMappings);
  const gid = hostIdOfRoot(spec.linux?.gidMappings);
  if (uid !== undefined && gid !== undefined) chownSync(path, uid, gid);
}

/** The forking trampoline (unshare(1)) whose child `initPid` is, if any. */
export function trampolineOf(initPid: number): number | undefined {
  try {
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${initPid}/status`, 'utf8'))?.[1]);
    return ppid > 1 && readlinkSync(`/proc/${ppid}/exe`) === UNSHARE ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SIGKILL for a container started through a forking trampoline: the
 * trampoline first, so that it dies by the signal (its waiter sees SIGKILL)
 * instead of reporting its child's death as "exit 1" with an error on the
 * container's stderr; then the init itself, because --kill-child's
 * parent-death signal is cleared by the kernel once the init changed its
 * credentials (becoming its namespace's root does).
 */
export function killTrampolined(initPid: number): void {
  const tpid = trampolineOf(initPid);
  sigkill(tpid === undefined ? [initPid] : [tpid, initPid]);
}

/** The same from the trampoline's side (create's cleanup, before the init's pid was known or recorded). */
export function killTrampolineTree(tpid: number): void {
  let kids: number[] = [];
  try {
    kids = readFileSync(`/proc/${tpid}/task/${tpid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    // gone
  }
  sigkill([tpid, ...kids]);
}

function sigkill(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
