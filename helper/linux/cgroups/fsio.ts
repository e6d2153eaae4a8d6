// Reading and writing cgroup files. Every write names the file and the
// config field it came from, and turns the kernel's errno into a reason a
// person can act on (EINVAL for a value out of range, ENOENT for a knob the
// kernel lacks, EBUSY for a limit below current usage).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupError } from './errors';

const reasons: Record<string, string> = {
  ENOENT: 'the kernel does not offer this file (controller or feature missing on this host)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted (the host cannot grant this limit)',
  EINVAL: 'the kernel rejected the value as invalid or out of range',
  EBUSY: 'the kernel refused while the cgroup is in use (for example a limit below current usage)',
  ENOSPC: 'no space: the parent cgroup does not allow this value',
  EOPNOTSUPP: 'not supported by this kernel',
  ERANGE: 'value out of range for this kernel',
};

export function writeKnob(dir: string, file: string, value: string | number, pointer?: string): void {
  const path = join(dir, file);
  try {
    writeFileSync(path, String(value));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new CgroupError(`write ${JSON.stringify(String(value))} to ${path}: ${reasons[code] ?? code}`, pointer, code);
  }
}

export function readKnob(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8').trim();
}

export function tryRead(dir: string, file: string): string | undefined {
  try {
    return readKnob(dir, file);
  } catch {
    return undefined;
  }
}

export function hasKnob(dir: string, file: string): boolean {
  return existsSync(join(dir, file));
}

/** A number file; "max" (v2) and the v1 "unlimited" sentinel read as -1 when asked. */
export function readNumber(dir: string, file: string): number | undefined {
  const s = tryRead(dir, file);
  if (s === undefined) return undefined;
  if (s === 'max') return -1;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** "key value" lines (memory.stat, cpu.stat, memory.events, …). */
export function readKeyed(dir: string, file: string): Record<string, number> {
  const out: Record<string, number> = {};
  const s = tryRead(dir, file);
  if (!s) return out;
  for (const line of s.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && Number.isFinite(Number(v))) out[k] = Number(v);
  }
  return out;
}

/** cgroup.procs: the pids of the processes in the cgroup (not threads). */
export function readPids(dir: string): number[] {
  const s = tryRead(dir, 'cgroup.procs');
  if (!s) return [];
  return s.split('\n').filter(Boolean).map(Number);
}

/** Synchronous sleep for the few short waits (freezer settling, rmdir retries). */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
