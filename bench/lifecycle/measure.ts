// One timed runtime call and the lifecycle operations built from it. Every
// call's stdio goes to /dev/null or a log file, never a pipe: a container
// started by `create` inherits the caller's stdio, and a pipe would keep the
// reader waiting until the container exits.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRuntime } from './runtimes';

export interface Ctx {
  /** --root state directory, private to this benchmark run. */
  root: string;
  bundle: string;
  /** stderr of every call is appended here, to explain a failure. */
  log: string;
}

/** Runs one runtime verb; resolves with its wall time in ms, rejects on a non-zero exit. */
export async function call(rt: BenchRuntime, ctx: Ctx, args: string[]): Promise<number> {
  if (rt.spawner) {
    const r = await rt.spawner.run({ bin: rt.real, args: ['--root', ctx.root, ...args], cwd: ctx.bundle, log: ctx.log, env: process.env });
    if (r.code === 0) return r.ms;
    throw new Error(`${rt.name} ${args.join(' ')}: exit ${r.code ?? r.signal}: ${readFileSync(ctx.log, 'utf8').trim().split('\n').slice(-2).join(' | ')}`);
  }
  const err = openSync(ctx.log, 'a');
  const t0 = process.hrtime.bigint();
  const child = spawn(rt.bin, ['--root', ctx.root, ...args], { cwd: ctx.bundle, stdio: ['ignore', 'ignore', err], env: { ...process.env, ...rt.env } });
  closeSync(err);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${rt.name} ${args.join(' ')}: exit ${code ?? signal}: ${readFileSync(ctx.log, 'utf8').trim().split('\n').slice(-2).join(' | ')}`));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the container's process has exited, by watching /proc rather
 * than calling `state` (a runtime call would cost more than the wait and
 * charge berth's start-up to every runtime's cycle).
 */
export async function waitExit(pid: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return;
    }
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return;
    if (Date.now() > end) throw new Error(`container process ${pid} still running after ${timeoutMs} ms`);
    await sleep(1);
  }
}

export interface CycleTimes {
  create: number;
  start: number;
  delete: number;
  /** create → start → exit → delete, wall. */
  cycle: number;
}

/** One full lifecycle of a /bin/true container with `id`. */
export async function cycle(rt: BenchRuntime, ctx: Ctx, id: string): Promise<CycleTimes> {
  const pidFile = join(ctx.root, `${id}.pid`);
  const t0 = process.hrtime.bigint();
  const create = await call(rt, ctx, ['create', '--bundle', ctx.bundle, '--pid-file', pidFile, id]);
  if (!existsSync(pidFile)) throw new Error(`${rt.name} create ${id}: no pid file`);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const start = await call(rt, ctx, ['start', id]);
  await waitExit(pid);
  const del = await call(rt, ctx, ['delete', id]);
  const cycleMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { create, start, delete: del, cycle: cycleMs };
}

/** `run` of /bin/true to its exit. */
export function runToExit(rt: BenchRuntime, ctx: Ctx, id: string): Promise<number> {
  return call(rt, ctx, ['run', '--bundle', ctx.bundle, id]);
}

/** A running container to exec into: created from `bundle` (a long-running process) and started. */
export async function startExecTarget(rt: BenchRuntime, ctx: Ctx, bundle: string, id: string): Promise<void> {
  await call(rt, ctx, ['create', '--bundle', bundle, id]);
  await call(rt, ctx, ['start', id]);
}

/** `exec` of /bin/true in a running container, to its exit. */
export function execTrue(rt: BenchRuntime, ctx: Ctx, id: string): Promise<number> {
  return call(rt, ctx, ['exec', id, '/bin/true']);
}

/** `n` full cycles at once; resolves with the wall time until the last one finished. */
export async function parallelCycles(rt: BenchRuntime, ctx: Ctx, idPrefix: string, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  // allSettled: a failed cycle must not leave the others running unobserved
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => cycle(rt, ctx, `${idPrefix}-${i}`)));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) throw new Error(`${failed.length} of ${n} parallel cycles failed, first: ${(failed[0] as PromiseRejectedResult).reason.message}`);
  return ms;
}

/** Force-deletes whatever containers a failed run left in this runtime's --root. */
export function forceDeleteAll(rt: BenchRuntime, ctx: Ctx): void {
  const opts = { encoding: 'utf8' as const, timeout: 30_000, env: { ...process.env, ...rt.env } };
  let ids: string[];
  try {
    ids = execFileSync(rt.bin, ['--root', ctx.root, 'list', '-q'], { ...opts, stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
  } catch {
    return;
  }
  for (const id of ids) {
    try {
      execFileSync(rt.bin, ['--root', ctx.root, 'delete', '--force', id], { ...opts, stdio: 'ignore' });
    } catch {
      /* reported by the failed call already */
    }
  }
}
