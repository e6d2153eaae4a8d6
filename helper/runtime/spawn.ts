// Starting the init stage: `node dist/init.js` as a child, made PID 1 of a
// new PID namespace (or a member of one given by path) by switching the
// main thread's pid_for_children around child_process.spawn and switching
// back right after (facts in ../shared/DESIGN.md: this works from Node's main
// thread; fork() through koffi does not). The child runs node from a
// read-only mount, never the host's writable binary (stage-image.ts).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as C from '../linux/constants';
import { setnsFd, setnsPath, unshare } from '../linux/ns';
import type { Namespace } from '../spec/types';
import { STAGE_IMAGE_FD_ENV, stageImageFd } from './stage-image';
import { SYNC_FD_ENV } from './sync';
import type { Trampoline } from './userns';

/** dist/init.js beside the running bundle (dist/berth, dist/berthd.js), or the repo's dist/ when run from source. */
export function initScript(): string {
  const candidates = [process.env.BERTH_INIT, join(__dirname, 'init.js'), join(__dirname, '../../dist/init.js')];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(`init stage not found (looked for ${candidates.filter(Boolean).join(', ')}): run \`npm run build\``);
}

export interface SpawnedInit {
  child: ChildProcess;
  /** Index of the sync socket in the child's stdio (and its fd number in the init). */
  syncFd: number;
  consoleFd?: number;
  /** The init's fd numbers of SpawnExtras.fds, in order. */
  extraFds?: number[];
}

export interface SpawnExtras {
  /** The stage to run instead of dist/init.js (the exec stage, helper/runtime/exec-spawn.ts). */
  script?: string;
  /** A single-threaded step before node, for user and time namespaces (helper/runtime/userns.ts). */
  trampoline?: Trampoline;
  /** More fds for the init, after the sync and console slots (the host-opened files of helper/runtime/hostfds.ts). */
  fds?: number[];
  /** Options for node itself, before the script. */
  nodeArgs?: string[];
}

export function spawnInit(pidNs: Namespace | undefined, stdio: [number, number, number], preserveFds: number, consoleSock?: number, extras: SpawnExtras = {}): SpawnedInit {
  const slots: StdioOptions = [...stdio];
  for (let i = 0; i < preserveFds; i++) slots.push(preservable(3 + i) ? 3 + i : 'ignore');
  const syncFd = slots.length;
  slots.push('pipe');
  let consoleFd: number | undefined;
  if (consoleSock !== undefined) {
    consoleFd = slots.length;
    slots.push(consoleSock);
  }
  const extraFds = extras.fds?.map((fd) => slots.push(fd) - 1);
  // node itself, from a read-only mount (stage-image.ts says why); the last slot, so it never takes a preserved fd's number.
  const image = stageImageFd();
  const imageSlot = image === undefined ? undefined : slots.push(image) - 1;
  const node = imageSlot === undefined ? process.execPath : `/proc/self/fd/${imageSlot}`;
  let restore: number | undefined;
  // A trampoline that makes the pid namespace does so after the user namespace, which then owns it.
  if (pidNs && !extras.trampoline?.makesPidNs) {
    restore = openSync('/proc/self/ns/pid', C.O_RDONLY | C.O_CLOEXEC);
    if (pidNs.path) setnsPath(pidNs.path, 'pid');
    else unshare(C.CLONE_NEWPID);
  }
  try {
    const script = extras.script ?? initScript();
    const tr = extras.trampoline;
    const nodeArgs = [...(extras.nodeArgs ?? []), script];
    const child = spawn(tr ? tr.command : node, tr ? [...tr.args, node, ...nodeArgs] : nodeArgs, {
      argv0: tr ? undefined : 'node',
      stdio: slots,
      env: { [SYNC_FD_ENV]: String(syncFd), ...(imageSlot === undefined ? {} : { [STAGE_IMAGE_FD_ENV]: String(imageSlot) }) },
      // The init must not die with a Ctrl-C aimed at `berth create`'s terminal job.
      detached: false,
    });
    return { child, syncFd, consoleFd, extraFds };
  } finally {
    if (restore !== undefined) {
      setnsFd(restore, C.CLONE_NEWPID, '/proc/self/ns/pid');
      closeSync(restore);
    }
  }
}

/**
 * Whether fd `fd` of this process can go to the container: it must be open
 * (runc skips gaps in --preserve-fds too), and not one of Node's own event
 * loop descriptors, which fill the gaps the caller left (epoll, eventfd).
 */
function preservable(fd: number): boolean {
  try {
    const target = readlinkSync(`/proc/self/fd/${fd}`);
    return target !== 'anon_inode:[eventpoll]' && target !== 'anon_inode:[eventfd]';
  } catch {
    return false;
  }
}
