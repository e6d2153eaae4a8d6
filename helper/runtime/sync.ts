// The sync protocol between `create` (parent side, helper/runtime/create.ts)
// and the init stage (helper/init/, dist/init.js). Both import these types.
//
// Channel: a Unix stream socket at fd `BERTH_SYNC_FD` in the init (an extra
// stdio slot of child_process.spawn, placed after any --preserve-fds). One
// JSON object per line, in both directions.
//
//   parent                                  init
//   ------                                  ----
//   parse config.json
//   unshare(NEWPID) / setns(pid path);
//   spawn node dist/init.js; setns back     (boots: ~100 ms of Node start-up,
//   validate the config meanwhile;           then blocks reading the fd)
//   claim the id, make exec.fifo
//   (user/time namespaces: spawn happens here, through the unshare(1)
//   trampoline of userns.ts, which writes the id maps first; the exec fifo
//   and bind sources are opened as host root and passed as extra fds,
//   hostfds.ts, and ID-mapped ones idmapped once the maps exist, idmap.ts)
//   put the init's pid in its cgroup
//   → InitConfig                            dumpable off; execCPUAffinity.initial;
//                                           join ns by path;
//                                           unshare mount/uts/ipc/net/cgroup;
//                                           rootfs: propagation, mounts, /dev
//                              ← {hooks}    only if createRuntime/prestart hooks exist
//   (at the first message: move linux.netDevices into the init's netns, netdevices.ts)
//   run prestart + createRuntime hooks
//   → {resume}                              createContainer hooks; open exec fifo
//                                           O_PATH; pivot_root; sysctl; masked/ro
//                                           paths; hostname; rlimits; oom; check
//                                           args[0] on PATH
//                              ← {created}  then block in open(fifo, O_WRONLY)
//   write state.json + pid file; exit
//   (later) `start` opens the fifo for
//   reading; the init unblocks, writes 1
//   byte; `start` reads it, removes fifo    startContainer hooks; LSM labels, scheduler,
//                                           ioprio, personality, mempolicy, final cpu
//                                           affinity (attributes.ts); seccomp (first if
//                                           no nnp); bounding set, groups, gid, uid,
//                                           caps; umask, cwd, nnp, seccomp (last if
//                                           nnp); signals reset; CLOEXEC on fds ≥
//                                           3+preserveFds; execve
//
// Any failure before `created` is sent as ← {error, pointer?, message} and the
// init exits 1; the parent kills what is left, removes the state directory
// and reports the message. After `created` the parent may be gone, so a
// failure (e.g. execve) is written to the init's stderr and it exits 127.
import type { Spec } from '../spec/types';

export const SYNC_FD_ENV = 'BERTH_SYNC_FD';

export interface InitConfig {
  id: string;
  /** The init's pid in the caller's pid namespace (for hooks' state and the seccomp agent). */
  pid: number;
  bundle: string;
  /** Absolute host path of the rootfs. */
  rootfs: string;
  spec: Spec;
  /** Absolute host path of the exec fifo in the state directory. */
  fifo: string;
  noPivot: boolean;
  /** fds 3 .. 3+preserveFds-1 reach the container. */
  preserveFds: number;
  /** fd of the connected console socket in the init, when terminal is true. */
  consoleSocketFd?: number;
  /** With a new user namespace: the init's fd of `fifo`, opened O_PATH by the parent as host root (helper/runtime/hostfds.ts). */
  fifoFd?: number;
  /**
   * With a new user namespace: mount index → fd (in the init) of a detached
   * copy of that bind mount's source, opened by the parent as host root
   * (helper/runtime/hostfds.ts). The init attaches and closes each.
   */
  bindFds?: Record<number, number>;
  /**
   * With a new user namespace: for each entry of linux.devices, the fd (in
   * the init) of a detached mount of the node the parent made for it
   * (helper/runtime/devnodes.ts). The init attaches them in place of mknod.
   */
  deviceFds?: number[];
  /**
   * linux.namespaces' pid path, when the container joins an existing pid
   * namespace: the init then starts in the host's and forks into it
   * (helper/init/joinPid.ts), so node never boots where another
   * container's processes can see it.
   */
  joinPid?: string;
}

export type InitMessage =
  | { type: 'hooks' }
  /** The init forked into the joined pid namespace: `pid` (its host pid) is the container's process from now on. */
  | { type: 'forked'; pid: number }
  | { type: 'created' }
  | { type: 'error'; message: string; pointer?: string };

export type ParentMessage = { type: 'resume' };
