// User namespaces for the init, through a single-threaded step; and time
// namespaces joined by path, for the same reason. (A new time namespace is
// made by the init itself: helper/runtime/timens.ts.)
//
// Why a trampoline: the kernel lets only a single-threaded process create or
// join a user namespace (unshare/setns CLONE_NEWUSER fail with EINVAL in a
// Node process, which always has several threads), and setns into a time
// namespace too (EUSERS). util-linux's unshare(1) and nsenter(1) are that
// step: already installed (Debian's util-linux, essential), single-threaded,
// and they do exactly this sequence. Measured here: `unshare -U -p -f
// --keep-caps -- /bin/true` costs under 5 ms, so Node's own start-up (about
// 80 ms) stays the cost of the init stage.
//
// The sequence, for a config with a new user namespace:
//   parent: spawn `unshare --user --keep-caps [--pid --fork --kill-child]
//           -- node init.js`
//   unshare(1): unshare(USER|PID), forks; the child raises every capability
//           it holds in the new user namespace into the ambient set
//           (--keep-caps) and execs node, so the init keeps them although
//           its uid is not mapped yet
//   parent: sees the new user namespace in /proc/<unshare>/ns/user, writes
//           setgroups, gid_map and uid_map there (the spec's "written by the
//           parent"), then drives the init as usual
//   init:   becomes root of its namespace (helper/init/userns.ts) before
//           anything else, then unshares the other namespaces (a new time
//           namespace included), which are so owned by the container's user
//           namespace (mounting proc, sysfs, mqueue there needs exactly that)
// The pid namespace is made by the trampoline after the user namespace, for
// the same ownership reason; so with a trampoline the parent must not unshare
// it itself. With --fork the init is unshare(1)'s child: its host pid is the
// trampoline's only child, and unshare(1) waits for it and exits with its
// status (--kill-child: killing the trampoline kills the init).
//
// Joined by path (linux.namespaces[].path of type user or time): nsenter(1)
// comes first, also single-threaded, and execs unshare(1) for whatever is
// new, or node directly:
//   `nsenter [--user=P --setuid 0 --setgid 0] [--time=Q] -- [unshare --pid
//   --fork --kill-child --] node init.js`
// so namespaces made beside a joined user namespace are owned by it. The
// parent writes no maps then (the spec forbids mappings with a path: they
// are the joined namespace's own) and waits until the trampoline is in it.
import { execFileSync } from 'node:child_process';
import { chownSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import type { IdMapping, Spec } from '../spec/types';
import { RuntimeError } from './errors';

export const UNSHARE = '/usr/bin/unshare';
export const NSENTER = '/usr/bin/nsenter';

export interface Trampoline {
  command: string;
  /** The trampoline's options, to be followed by node and its arguments. */
  args: string[];
  /** The trampoline makes the pid namespace: the parent must not unshare one. */
  makesPidNs: boolean;
  /** unshare(1) forks: the init is its child, not the spawned process. */
  forks: boolean;
  /** The stage runs in a user namespace (a new one, or joinedUserNs). */
  userNs: boolean;
  /** The user namespace joined by path: the parent writes no maps, it waits for the join. */
  joinedUserNs?: string;
}

/**
 * The trampoline a config needs, or undefined when the init can start directly.
 *
 * Namespaces given by path are joined first, by nsenter(1) (setns of a user
 * or time namespace needs a single-threaded caller too), which then execs
 * unshare(1) for the new ones: so a new pid (or time) namespace made beside
 * a joined user namespace belongs to that one, as it would to a new one. In
 * a joined user namespace nsenter becomes its uid/gid 0 (as `berth exec`
 * does), so unshare(1) and then the init start with every capability there.
 */
export function trampolineFor(spec: Spec): Trampoline | undefined {
  const ns = spec.linux?.namespaces ?? [];
  const user = ns.find((n) => n.type === 'user');
  const time = ns.find((n) => n.type === 'time');
  const pid = ns.find((n) => n.type === 'pid');
  if (!time && spec.linux?.timeOffsets) throw new RuntimeError('timeOffsets needs a time namespace', 'bad-bundle', '/linux/timeOffsets');
  // As runc: mappings and offsets are fixed when a namespace is made, so a joined one cannot take them.
  if (user?.path !== undefined) {
    for (const f of ['uidMappings', 'gidMappings'] as const) {
      if (spec.linux?.[f]?.length) throw new RuntimeError(`the user namespace is joined by path (/linux/namespaces/${ns.indexOf(user)}/path): its mappings are its own, remove ${f}`, 'bad-bundle', `/linux/${f}`);
    }
  }
  if (time?.path !== undefined && spec.linux?.timeOffsets) {
    throw new RuntimeError(`the time namespace is joined by path (/linux/namespaces/${ns.indexOf(time)}/path): its offsets are its own, remove timeOffsets`, 'bad-bundle', '/linux/timeOffsets');
  }
  // A new time namespace alone needs no trampoline: the init makes it (timens.ts says why).
  if (!user && time?.path === undefined) return undefined;
  const join: string[] = [];
  if (user?.path !== undefined) join.push(`--user=${user.path}`, '--setuid', '0', '--setgid', '0');
  if (time?.path !== undefined) join.push(`--time=${time.path}`);
  const args: string[] = [];
  if (user && user.path === undefined) {
    checkMappings(spec.linux?.uidMappings, '/linux/uidMappings');
    checkMappings(spec.linux?.gidMappings, '/linux/gidMappings');
    args.push('--user', '--keep-caps');
  }
  // A user namespace made or joined after a pid namespace would not own it,
  // so the trampoline makes the pid namespace too, and forks to enter it.
  const makesPidNs = pid !== undefined && !pid.path && user !== undefined;
  const forks = makesPidNs;
  if (makesPidNs) args.push('--pid', '--fork', '--kill-child');
  const tail = args.length ? [UNSHARE, ...args, '--'] : [];
  const shape = { makesPidNs, forks, userNs: user !== undefined, joinedUserNs: user?.path };
  if (join.length) return { command: NSENTER, args: [...join, '--', ...tail], ...shape };
  return { command: UNSHARE, args: tail.slice(1), ...shape };
}

function checkMappings(m: IdMapping[] | undefined, pointer: string): void {
  if (!m?.length) throw new RuntimeError('a new user namespace needs id mappings', 'bad-bundle', pointer);
  if (m.length > 340) throw new RuntimeError(`${m.length} mappings: the kernel takes at most 340`, 'bad-bundle', pointer);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, pid: number, command: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
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
    if (!st || state === 'Z' || state === 'X') throw new RuntimeError(`namespace trampoline \`${command}\` exited before ${what}`);
    if (Date.now() > deadline) throw new RuntimeError(`namespace trampoline \`${command}\`: timed out waiting for ${what}`);
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
  if (tr.joinedUserNs !== undefined) {
    // Nothing to write; but later steps read the init's /proc/<pid>/ns/user (idmapped mounts), so wait for the join.
    const want = nsId(tr.joinedUserNs);
    await waitFor('joining the user namespace', tpid, tr.command, () => (nsId(`/proc/${tpid}/ns/user`) === want ? true : undefined));
  } else if (tr.userNs) {
    const own = readlinkSync('/proc/self/ns/user');
    await waitFor('making the user namespace', tpid, tr.command, () => {
      try {
        return readlinkSync(`/proc/${tpid}/ns/user`) !== own ? true : undefined;
      } catch {
        return undefined;
      }
    });
    writeIdMaps(tpid, spec);
  }
  if (!tr.forks) return tpid;
  return waitFor('starting the init', tpid, tr.command, () => {
    try {
      const kids = readFileSync(`/proc/${tpid}/task/${tpid}/children`, 'utf8').trim();
      return kids ? Number(kids.split(' ')[0]) : undefined;
    } catch {
      return undefined;
    }
  });
}

/** A namespace file's identity (device and inode), the same for every path to it; undefined when unreadable. */
function nsId(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * The id maps of the container's user namespace as the host sees them: the
 * config's for a new one; for one joined by path, read from the kernel:
 * /proc/<pid>/uid_map read by a host process shows host ids, and for any
 * other path (a bind-mounted nsfs file) a process in the namespace reads its
 * own maps, which name ids of the namespace's parent (the host's for a
 * namespace made by a container runtime on this host).
 */
export function containerMappings(spec: Spec): { uid: IdMapping[]; gid: IdMapping[] } | undefined {
  const ns = spec.linux?.namespaces ?? [];
  const user = ns.find((n) => n.type === 'user');
  if (!user) return undefined;
  if (user.path === undefined) return { uid: spec.linux?.uidMappings ?? [], gid: spec.linux?.gidMappings ?? [] };
  const pointer = `/linux/namespaces/${ns.indexOf(user)}/path`;
  const proc = /^\/proc\/(\d+)\/ns\/user$/.exec(user.path);
  const read = (file: 'uid_map' | 'gid_map') => {
    try {
      if (proc) return readFileSync(`/proc/${proc[1]}/${file}`, 'utf8');
      return execFileSync(NSENTER, [`--user=${user.path}`, '--preserve-credentials', '--', '/bin/cat', `/proc/self/${file}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      throw new RuntimeError(`cannot read the ${file} of user namespace \`${user.path}\`: ${err.stderr?.trim() || err.code || err.message}`, 'bad-bundle', pointer);
    }
  };
  return { uid: parseMapText(read('uid_map')), gid: parseMapText(read('gid_map')) };
}

/** The inverse of mapText. */
export function parseMapText(text: string): IdMapping[] {
  return text.split('\n').filter((l) => l.trim()).map((l) => {
    const [containerID, hostID, size] = l.trim().split(/\s+/).map(Number);
    return { containerID, hostID, size };
  });
}

/** The host id that container id `id` maps to, or undefined when `id` is not mapped. */
export function hostIdOf(id: number, m: IdMapping[] | undefined): number | undefined {
  const hit = (m ?? []).find((x) => x.containerID <= id && id < x.containerID + x.size);
  return hit && hit.hostID + (id - hit.containerID);
}

/** The host id that container id 0 maps to, or undefined when 0 is not mapped. */
export function hostIdOfRoot(m: IdMapping[] | undefined): number | undefined {
  return hostIdOf(0, m);
}

/**
 * Gives a file the init must open after it became its namespace's root (the
 * exec fifo) to that root's host uid and gid, as runc does: host root's
 * files are out of reach of a user namespace that does not map host root.
 */
export function chownToContainerRoot(path: string, spec: Spec): void {
  const maps = containerMappings(spec);
  const uid = hostIdOfRoot(maps?.uid);
  const gid = hostIdOfRoot(maps?.gid);
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
