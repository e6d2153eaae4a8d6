// An init whose container joins an existing pid namespace by path (a pod's
// shared pid namespace): the init stage is started in the host's pid
// namespace, where nothing of the container can see node boot, and forks
// into the joined namespace once it has entered the container's other
// namespaces. From then on the child is the init (and later the container's
// process); this process only relays: it waits for the child and exits as
// it did, so the caller's view of "the init exited" stays true.
//
// The child is non-dumpable and runs the read-only node image (inherited).
// It forks before the rootfs is built, because a proc mount shows the pid
// namespace of the process that mounts it.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import * as C from '../linux/constants';
import { cloexecPipe, exitLike, forkNode, openSmaps, waitChild } from '../linux/fork';
import { setnsFd } from '../linux/ns';
import type { InitConfig } from '../runtime/sync';
import type { InitChannel } from './channel';
import { at } from './errors';

/** What the fork needs from the host, opened before any namespace is entered. */
export interface JoinedPidNs {
  /** The namespace at cfg.joinPid. */
  fd: number;
  /** Our /proc/self/smaps (forkNode), unreachable once the rootfs is ours. */
  smaps: number;
}

export function openJoinedPidNs(cfg: InitConfig): JoinedPidNs | undefined {
  if (!cfg.joinPid) return undefined;
  const i = cfg.spec.linux?.namespaces?.findIndex((n) => n.type === 'pid') ?? -1;
  return { fd: at(`/linux/namespaces/${i}/path`, () => openSync(cfg.joinPid!, C.O_RDONLY | C.O_CLOEXEC)), smaps: openSmaps() };
}

/** Returns in the child only, with cfg.pid set to its host pid; the parent relays and never returns. */
export function forkIntoPidNs(cfg: InitConfig, ch: InitChannel, pidNs: JoinedPidNs): void {
  const i = cfg.spec.linux?.namespaces?.findIndex((n) => n.type === 'pid') ?? -1;
  at(`/linux/namespaces/${i}/path`, () => setnsFd(pidNs.fd, C.CLONE_NEWPID, cfg.joinPid!));
  closeSync(pidNs.fd);
  const [goRead, goWrite] = cloexecPipe();
  const child = forkNode(pidNs.smaps);
  if (child === 0) {
    closeSync(goWrite);
    // Wait until the parent has told the runtime who we are: our messages must come after its `forked`.
    const buf = Buffer.alloc(16);
    const n = readSync(goRead, buf, 0, buf.length, null);
    closeSync(goRead);
    cfg.pid = Number(buf.subarray(0, n).toString());
    return;
  }
  closeSync(goRead);
  ch.send({ type: 'forked', pid: child });
  writeSync(goWrite, String(child));
  closeSync(goWrite);
  relay(cfg, ch.fd, child);
}

/** Lets go of everything the container's process needs to see closed (its stdio, the sync socket), then mirrors its end. */
function relay(cfg: InitConfig, syncFd: number, child: number): never {
  const fds = [syncFd, cfg.consoleSocketFd, cfg.fifoFd, ...Object.values(cfg.bindFds ?? {}), ...(cfg.deviceFds ?? [])];
  for (let i = 0; i < cfg.preserveFds; i++) fds.push(3 + i);
  for (const fd of fds) {
    if (fd === undefined) continue;
    try {
      closeSync(fd);
    } catch {
      // not open here
    }
  }
  // Closed, not pointed at /dev/null: that is the container's now, whatever it is.
  for (const fd of [0, 1, 2]) closeSync(fd);
  // Terminal signals are the container's business; here they would only cut the relay.
  for (const s of ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => undefined);
  return exitLike(waitChild(child));
}
