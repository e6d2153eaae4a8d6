// Ending a process group berthd started (debootstrap and its wget, dpkg and
// chroot children): SIGTERM to the group, SIGKILL after a grace period, and
// wait until no member is left. Members are found by their pgrp in /proc, so
// a child that outlived its parent (berthd is a subreaper) is waited for too;
// such orphans become berthd's children, which Node never waits for, so
// their zombies are reaped here by pid (measured: a cancelled real
// debootstrap left a dpkg zombie behind without this).
import { readdirSync, readFileSync } from 'node:fs';
import type * as Koffi from 'koffi';

interface Member {
  pid: number;
  ppid: number;
  zombie: boolean;
}

function members(pgid: number): Member[] {
  const out: Member[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // comm may hold spaces and parentheses: fields start after the last ')'.
    const [state, ppid, pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'X') out.push({ pid: Number(name), ppid: Number(ppid), zombie: state === 'Z' });
  }
  return out;
}

/** Live (not zombie) pids whose process group is pgid. */
export function groupMembers(pgid: number): number[] {
  return members(pgid).filter((m) => !m.zombie).map((m) => m.pid);
}

let waitpid: ((pid: number, status: null, options: number) => number) | undefined;
const WNOHANG = 1;

/**
 * Reaps zombies of group pgid that are this process's children by
 * adoption; `except` is the child Node spawned (libuv waits for that one).
 */
export function reapAdopted(pgid: number, except: number | undefined): number {
  let n = 0;
  for (const m of members(pgid)) {
    if (!m.zombie || m.ppid !== process.pid || m.pid === except) continue;
    if (!waitpid) {
      const koffi = require('koffi') as typeof Koffi;
      waitpid = koffi.load('libc.so.6').func('int waitpid(int pid, int *status, int options)') as unknown as typeof waitpid;
    }
    if (waitpid!(m.pid, null, WNOHANG) === m.pid) n++;
  }
  return n;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already empty
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ends group pgid; resolves with the pids still alive after timeoutMs (empty on success). */
export async function endGroup(pgid: number, graceMs = 2000, timeoutMs = 10_000): Promise<number[]> {
  if (pgid <= 1) throw new Error(`process group ${pgid}: refusing to signal it`);
  signalGroup(pgid, 'SIGTERM');
  const t0 = Date.now();
  let killed = false;
  for (;;) {
    const left = groupMembers(pgid);
    if (left.length === 0) return [];
    const waited = Date.now() - t0;
    if (!killed && waited >= graceMs) {
      signalGroup(pgid, 'SIGKILL');
      killed = true;
    }
    if (waited >= timeoutMs) return left;
    await sleep(50);
  }
}
