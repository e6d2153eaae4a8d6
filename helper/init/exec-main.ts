// The exec stage (dist/exec.js), started by `exec` (helper/runtime/exec.ts)
// in the host's pid namespace. It joins the container's cgroups and every
// namespace but user and time, then forks the child that becomes the
// process (exec-child.ts); protocol and the reasons for this shape:
// helper/runtime/exec-sync.ts. Synchronous calls only up to the fork: after
// setns into the mount namespace only the main thread is inside it.
//
// Nothing in the container can see this process (it is not in the
// container's pid namespace), and it is non-dumpable from its first
// statement anyway; the child inherits that, the container's mount
// namespace as its root, and /proc/<pid>/exe on node's read-only image
// (runc's CVE-2019-5736 and CVE-2016-9962; stage-image.ts).
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import * as C from '../linux/constants';
import { cloexecPipe, exitLike, forkNode, openSmaps, pidSeenBy, waitChild } from '../linux/fork';
import { setDumpable } from '../linux/identity';
import { NS_FLAG, setnsFd, unshare } from '../linux/ns';
import { prepareSeccomp } from '../linux/seccomp';
import type { ExecAck, ExecConfig, ExecMessage } from '../runtime/exec-sync';
import { startStage } from '../runtime/stage-image';
import { SYNC_FD_ENV } from '../runtime/sync';
import type { NamespaceType } from '../spec/types';
import { InitChannel } from './channel';
import { at, InitError } from './errors';
import { applyInitialAffinity } from './attributes';
import { runChild, type ChildSetup } from './exec-child';

setDumpable(false);
startStage('berth:exec');

const syncFd = Number(process.env[SYNC_FD_ENV]);
const send = (m: ExecMessage) => writeSync(syncFd, JSON.stringify(m) + '\n');

/** Joins what a multi-threaded process may join, opens what the child needs from the host, and forks it. */
function enter(cfg: ExecConfig): { child: number; errRead: number } {
  // Before the stage joins the container's cgroup, as the spec means `initial`.
  applyInitialAffinity(cfg.process);
  // Opened while /proc and /sys are still the host's.
  const ns = cfg.namespaces.map((n) => ({ ...n, type: n.type as NamespaceType, fd: at('/linux/namespaces', () => openSync(n.path, C.O_RDONLY | C.O_CLOEXEC)) }));
  const procs = cfg.cgroupProcs.map((f) => at('/linux/cgroupsPath', () => openSync(f, C.O_WRONLY | C.O_CLOEXEC)));
  const hostProc = openSync('/proc', C.O_PATH | C.O_DIRECTORY | C.O_CLOEXEC);
  const smaps = openSmaps();
  // libseccomp is loaded and an agent's socket connected now: the container's rootfs has neither.
  const seccomp = at('/linux/seccomp', () => prepareSeccomp(cfg.seccomp, { state: cfg.state, pid: () => pidSeenBy(hostProc) }));
  // A thread sharing its fs_struct may not change mount namespace.
  unshare(C.CLONE_FS);
  // The cgroup first, so that joining the cgroup namespace finds us inside its root.
  for (const fd of procs) {
    at('/linux/cgroupsPath', () => writeSync(fd, '0'));
    closeSync(fd);
  }
  const late = ns.filter((n) => n.type === 'user' || n.type === 'time') as ChildSetup['late'];
  late.sort((a, b) => Number(a.type === 'user') - Number(b.type === 'user'));
  // The mount namespace last: after it, host paths are gone. pid only sets the namespace of our children.
  const now = ns.filter((n) => n.type !== 'user' && n.type !== 'time');
  now.sort((a, b) => Number(a.type === 'mount') - Number(b.type === 'mount'));
  for (const n of now) {
    at('/linux/namespaces', () => setnsFd(n.fd, NS_FLAG[n.type], n.path));
    closeSync(n.fd);
  }
  const [errRead, errWrite] = cloexecPipe();
  const child = forkNode(smaps);
  if (child === 0) runChild({ cfg, late, seccomp, errFd: errWrite, stageOnly: [syncFd, errRead] });
  closeSync(errWrite);
  for (const n of late) closeSync(n.fd);
  if (cfg.consoleSocketFd !== undefined) closeSync(cfg.consoleSocketFd);
  seccomp?.release();
  return { child, errRead };
}

/** What the child wrote to the error pipe before it exited; empty when execve closed the pipe. */
function childError(fd: number): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(4096);
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  closeSync(fd);
  return Buffer.concat(chunks).toString('utf8');
}

function fail(e: unknown): never {
  const pointer = e instanceof InitError ? e.pointer : undefined;
  try {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e), pointer });
  } catch {
    writeSync(2, `berth exec: ${(e as Error).message}\n`);
  }
  process.exit(1);
}

function main(): void {
  const ch = new InitChannel(syncFd);
  let child: number;
  try {
    const cfg = ch.receive<ExecConfig>();
    const entered = enter(cfg);
    child = entered.child;
    const err = childError(entered.errRead);
    if (err) {
      waitChild(child);
      const { message, pointer } = JSON.parse(err) as { message: string; pointer?: string };
      throw new InitError(message, pointer);
    }
    send({ type: 'exec', pid: child });
    // Not before the parent has checked the pid: until then the child is ours and unreaped, so its pid cannot be reused.
    ch.receive<ExecAck>();
    if (cfg.detach) process.exit(0);
  } catch (e) {
    fail(e);
  }
  closeSync(syncFd);
  // The caller waits for us as it would for the process. Terminal signals
  // reach the process itself (same process group); here they would only
  // cut the relay.
  for (const s of ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => undefined);
  exitLike(waitChild(child));
}

main();
