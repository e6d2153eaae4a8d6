// A keeper holds a copy of a container's pty master so the console survives
// berthd dying: `sleep infinity` in its own session with the master as fd 3.
// A restarted berthd finds it by pid (and start time, against pid reuse)
// and takes the fd back with pidfd_getfd.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { closeFd, pidfdGetfd, pidfdOpen } from './sys';

export interface KeeperRef {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: tells a reused pid from ours. */
  startTime: string;
}

export const KEEPER_FD = 3;

export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function spawnKeeper(fd: number): KeeperRef {
  const child = spawn('sleep', ['infinity'], { stdio: ['ignore', 'ignore', 'ignore', fd], detached: true });
  child.on('error', () => undefined);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('console keeper: could not start sleep');
  return { pid, startTime: startTime(pid) ?? '' };
}

/** True while pid is the process that started at start and is not a zombie. */
export function alive(pid: number, start: string | undefined): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return f[0] !== 'Z' && f[0] !== 'X' && f[19] === start;
  } catch {
    return false;
  }
}

export function keeperAlive(k: KeeperRef): boolean {
  return alive(k.pid, k.startTime);
}

/** A fresh fd for the keeper's master, or undefined when the keeper is gone. */
export function reclaim(k: KeeperRef): number | undefined {
  if (!keeperAlive(k)) return undefined;
  const pidfd = pidfdOpen(k.pid);
  try {
    return pidfdGetfd(pidfd, KEEPER_FD);
  } finally {
    closeFd(pidfd);
  }
}

export function stopKeeper(k: KeeperRef): void {
  if (!keeperAlive(k)) return;
  try {
    process.kill(k.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
