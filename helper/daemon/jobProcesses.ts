// The processes of a bundle job that outlived the berthd that started it,
// found and ended by a restarted berthd. They are no longer its children
// (the host's init adopted them), so only /proc can say which they are, and
// a pid alone is not enough: it may belong to another process by now.
// A process is the job's when it carries the job's marker in its
// environment (every process debootstrap starts inherits it), or when it is
// in the process group of a leader whose pid *and* start time match the
// journal (a pid that names a live group cannot be reused, so while the
// leader is the recorded one, its group is the job's). Each is signalled
// through a pidfd opened before its start time is checked, so the signal
// reaches that process or none.
import { readdirSync, readFileSync } from 'node:fs';
import { isAlive, procStat } from '../linux/proc';
import { JOB_MARKER } from './jobJournal';
import { groupMembers } from './processGroup';
import { closeFd, pidfdOpen, pidfdSendSignal } from './sys';

/** A process as seen once: its pid and start time together name it for good. */
export interface ProcId {
  pid: number;
  start: string;
}

const SIGKILL = 9;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function live(pid: number): ProcId | undefined {
  const st = procStat(pid);
  return st && st.state !== 'Z' && st.state !== 'X' ? { pid, start: st.startTime } : undefined;
}

/** Live processes of job `job`; `leader` is debootstrap's pid and start time from the journal. */
export function jobProcesses(job: string, leader?: Partial<ProcId>): ProcId[] {
  const found = new Map<number, string>();
  const mark = `${JOB_MARKER}=${job}`;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let env: string;
    try {
      env = readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue; // exited meanwhile
    }
    if (!env.split('\0').includes(mark)) continue;
    const p = live(Number(name));
    if (p) found.set(p.pid, p.start);
  }
  if (leader?.pid && leader.start && isAlive(leader.pid, leader.start)) {
    for (const pid of groupMembers(leader.pid)) {
      const p = live(pid);
      if (p) found.set(p.pid, p.start);
    }
  }
  return [...found].map(([pid, start]) => ({ pid, start }));
}

/** SIGKILL to exactly that process; false when it is gone or its pid now names another. */
function killExactly(p: ProcId): boolean {
  let fd: number;
  try {
    fd = pidfdOpen(p.pid);
  } catch {
    return false; // exited
  }
  try {
    if (procStat(p.pid)?.startTime !== p.start) return false;
    pidfdSendSignal(fd, SIGKILL);
    return true;
  } catch {
    return false; // exited between the check and the signal
  } finally {
    closeFd(fd);
  }
}

/**
 * Kills the job's processes and waits until none is left: rescans, so a
 * process forked by one being killed is found too. Resolves with the pids
 * signalled and those still alive after timeoutMs (empty on success).
 */
export async function endJobProcesses(job: string, leader?: Partial<ProcId>, timeoutMs = 3000): Promise<{ killed: number[]; left: number[] }> {
  const killed = new Set<number>();
  const seen = new Map<number, string>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Once seen, a process stays on the list by pid and start time: after the leader dies its group no longer proves anything.
    for (const p of jobProcesses(job, leader)) seen.set(p.pid, p.start);
    const alive = [...seen].filter(([pid, start]) => isAlive(pid, start)).map(([pid, start]) => ({ pid, start }));
    if (alive.length === 0) return { killed: [...killed], left: [] };
    if (Date.now() >= deadline) return { killed: [...killed], left: alive.map((p) => p.pid) };
    for (const p of alive) if (killExactly(p)) killed.add(p.pid);
    await sleep(20);
  }
}
