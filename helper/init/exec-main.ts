// The exec stage (dist/exec.js): started by `exec` (helper/runtime/exec.ts)
// already inside the container's pid namespace, it joins the container's
// cgroups and other namespaces and becomes the requested process with
// execve. Protocol: helper/runtime/exec-sync.ts. Synchronous calls only:
// after setns into the mount namespace only the main thread is inside it.
//
// Being born in the container's pid namespace, the stage is visible to the
// container's processes. Its /proc/<stage>/exe is node on a detached
// read-only mount, never the host's writable file (runc's CVE-2019-5736;
// helper/runtime/stage-image.ts), and its very first statement makes it
// non-dumpable, before it reads anything.
import { closeSync, openSync, readlinkSync, writeSync } from 'node:fs';
import * as C from '../linux/constants';
import { setDumpable } from '../linux/identity';
import { NS_FLAG, setnsFd, unshare } from '../linux/ns';
import { prepareSeccomp, type PreparedSeccomp } from '../linux/seccomp';
import type { ExecConfig, ExecMessage } from '../runtime/exec-sync';
import { startStage } from '../runtime/stage-image';
import { SYNC_FD_ENV } from '../runtime/sync';
import type { NamespaceType } from '../spec/types';
import { InitChannel } from './channel';
import { at, InitError } from './errors';
import { execConsole } from './exec-console';
import { applyInitialAffinity } from './attributes';
import { applyLimits, execProcess, resolveExecutable } from './process';

setDumpable(false);
startStage('berth:exec');

const syncFd = Number(process.env[SYNC_FD_ENV]);
// Our pid as the host sees it: /proc is still the host's here (the stage may not be the parent's child, see exec.ts).
const hostPid = Number(readlinkSync('/proc/self'));
const send = (m: ExecMessage) => writeSync(syncFd, JSON.stringify(m) + '\n');

/** Everything up to the point where only execve is left; returns the executable's path. */
function enter(cfg: ExecConfig): { exe: string; seccomp?: PreparedSeccomp } {
  // Before the stage joins the container's cgroup, as the spec means `initial`.
  applyInitialAffinity(cfg.process);
  // Opened while /proc and /sys are still the host's.
  const ns = cfg.namespaces.map((n) => ({ ...n, fd: at('/linux/namespaces', () => openSync(n.path, C.O_RDONLY | C.O_CLOEXEC)) }));
  const procs = cfg.cgroupProcs.map((f) => at('/linux/cgroupsPath', () => openSync(f, C.O_WRONLY | C.O_CLOEXEC)));
  // libseccomp is loaded and an agent's socket connected now: the container's rootfs has neither.
  const seccomp = at('/linux/seccomp', () => prepareSeccomp(cfg.seccomp, { state: cfg.state, pid: hostPid }));
  // A thread sharing its fs_struct may not change mount namespace.
  unshare(C.CLONE_FS);
  // The cgroup first, so that joining the cgroup namespace finds us inside its root.
  for (const fd of procs) {
    at('/linux/cgroupsPath', () => writeSync(fd, '0'));
    closeSync(fd);
  }
  // The mount namespace last: after it, host paths are gone.
  ns.sort((a, b) => Number(a.type === 'mount') - Number(b.type === 'mount'));
  for (const n of ns) {
    at('/linux/namespaces', () => setnsFd(n.fd, NS_FLAG[n.type as NamespaceType], n.path));
    closeSync(n.fd);
  }
  const p = cfg.process;
  if (p.terminal) {
    if (cfg.consoleSocketFd === undefined) throw new InitError('terminal requested without a console socket', '/process/terminal');
    execConsole(p, cfg.consoleSocketFd);
  }
  applyLimits(p);
  return { exe: resolveExecutable(p), seccomp };
}

function main(): void {
  const ch = new InitChannel(syncFd);
  let cfg: ExecConfig;
  let exe: string;
  let seccomp: PreparedSeccomp | undefined;
  try {
    send({ type: 'hello', pid: hostPid });
    cfg = ch.receive<ExecConfig>();
    ({ exe, seccomp } = enter(cfg));
    send({ type: 'exec' });
  } catch (e) {
    const pointer = e instanceof InitError ? e.pointer : undefined;
    try {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e), pointer });
    } catch {
      writeSync(2, `berth exec: ${(e as Error).message}\n`);
    }
    process.exit(1);
  }
  try {
    execProcess(cfg.process, { path: exe, preserveFds: cfg.preserveFds, seccomp: seccomp && (() => seccomp!.load()), linux: cfg.linux });
  } catch (e) {
    const pointer = e instanceof InitError && e.pointer ? e.pointer : undefined;
    try {
      send({ type: 'error', message: (e as Error).message, pointer });
    } catch {
      writeSync(2, `berth exec: ${pointer ? `${pointer}: ` : ''}${(e as Error).message}\n`);
    }
    process.exit(127);
  }
}

main();
