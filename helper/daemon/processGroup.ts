// Ending a process group berthd started (debootstrap and its wget, dpkg and
// chroot children): SIGTERM to the group, SIGKILL after a grace period, and
// wait until no member is left. Members are found by their pgrp in /proc, so
// a child that outlived its parent (berthd is a subreaper) is waited for too.
import { readdirSync, readFileSync } from 'node:fs';

/** Live (not zombie) pids whose process group is pgid. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // comm may hold spaces and parentheses: fields start after the last ')'.
    const [state, , pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') out.push(Number(name));
  }
  return out;
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
