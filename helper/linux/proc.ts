// What /proc says about a process, read without koffi: whether it is alive,
// its state letter and its start time (field 22 of /proc/<pid>/stat), which
// tells a live container init apart from an unrelated process that reused
// its pid.
import { readFileSync, readlinkSync, readdirSync } from 'node:fs';

export interface ProcStat {
  state: string;
  /** The parent's pid (in the reader's pid namespace). */
  ppid: number;
  startTime: string;
}

export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may contain spaces and parentheses: fields start after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0], ppid: Number(rest[1]), startTime: rest[19] };
}

/** True while `pid` is the process that started at `startTime` and has not exited. */
export function isAlive(pid: number, startTime?: string): boolean {
  const st = procStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return false;
  return startTime === undefined || st.startTime === startTime;
}

/**
 * `pid` when it is a live or unreaped child of `parent`, else undefined: how
 * a pid that a stage reports is checked before anything acts on it.
 */
export function childOf(pid: unknown, parent: number): number | undefined {
  if (!Number.isInteger(pid) || (pid as number) <= 0) return undefined;
  return procStat(pid as number)?.ppid === parent ? (pid as number) : undefined;
}

/** Pids whose pid namespace is `nsLink` (e.g. "pid:[4026532]"), for kill --all without cgroups. */
export function pidsInNamespace(nsLink: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/pid`) === nsLink) out.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
