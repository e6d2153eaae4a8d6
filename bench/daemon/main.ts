// bench/daemon: berthd through its socket beside runc's and crun's CLIs, in
// one run, on one busybox bundle. Prints
//   - berthd start-up to a listening socket (and to a hello answer),
//   - create→start→exit→delete of /bin/true (median, p95), interleaved
//     round by round so machine load hits every runtime alike,
//   - 100 containers started concurrently and deleted again (wall time),
//   - berthd's RSS idle and with 100 running containers.
//   npm run bench:daemon [-- --iterations 20 --concurrent 100]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BerthClient } from '../../helper/protocol/client';
import { makeBundle } from '../../test/fixtures/bundle';
import { call, cycle, forceDeleteAll, type Ctx } from '../lifecycle/measure';
import { benchRuntimes, type BenchRuntime } from '../lifecycle/runtimes';
import { median, p95 } from '../lifecycle/stats';

const BERTHD = resolve(__dirname, '../../dist/berthd.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface Berthd {
  pid: number;
  socket: string;
  stop(): Promise<void>;
}

async function startBerthd(dir: string): Promise<{ d: Berthd; listenMs: number }> {
  const socket = join(dir, 'berthd.sock');
  rmSync(socket, { force: true });
  const t0 = now();
  const child = spawn(process.execPath, [BERTHD, '--root', join(dir, 'root'), '--socket', socket, '--audit-log', join(dir, 'audit.log')], { stdio: 'ignore' });
  while (!existsSync(socket)) {
    if (child.exitCode !== null) throw new Error(`berthd exited with ${child.exitCode}`);
    await sleep(1);
  }
  const listenMs = now() - t0;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    listenMs,
    d: {
      pid: child.pid!,
      socket,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
      },
    },
  };
}

/** One create→start→exit→delete through the socket; the exit is seen as berthd's `exited` event. */
async function socketCycle(c: BerthClient, exits: Map<string, () => void>, bundle: string, id: string): Promise<number> {
  const t0 = now();
  const exited = new Promise<void>((r) => exits.set(id, r));
  await c.request('create', { id, bundle });
  await c.request('start', { id });
  await exited;
  exits.delete(id);
  await c.request('delete', { id });
  return now() - t0;
}

async function main(): Promise<void> {
  const iterations = arg('--iterations', 20);
  const concurrent = arg('--concurrent', 100);
  if (!existsSync(BERTHD)) throw new Error(`${BERTHD} is missing: run \`node esbuild.mjs\``);
  const { found } = benchRuntimes();
  const clis = found.filter((r) => r.name === 'runc' || r.name === 'crun');
  // crun 1.8 refuses ociVersion 1.3.0; 1.0.2 is accepted by all three.
  const trueBundle = makeBundle(['/bin/true'], (s) => (s.ociVersion = '1.0.2'));
  const sleepBundle = makeBundle(['sleep', '60'], (s) => (s.ociVersion = '1.0.2'));
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-daemon-'));
  const ctxs = new Map<string, Ctx>();
  for (const r of clis) {
    mkdirSync(join(dir, r.name));
    ctxs.set(r.name, { root: join(dir, r.name), bundle: trueBundle.dir, log: join(dir, `${r.name}.stderr.log`) });
  }
  const out: string[] = [];
  let d: Berthd | undefined;
  try {
    // Start-up: fresh berthd each time on the same root (the lock is free once the previous one exited).
    const listen: number[] = [];
    const hello: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = now();
      const s = await startBerthd(join(dir));
      listen.push(s.listenMs);
      const c = await BerthClient.connect({ socket: s.d.socket, client: 'bench' });
      hello.push(now() - t0);
      c.close();
      if (i < 9) await s.d.stop();
      else d = s.d;
    }
    out.push(`berthd start-up to listening socket: median ${median(listen).toFixed(0)} ms, p95 ${p95(listen).toFixed(0)} ms; to first hello answer: median ${median(hello).toFixed(0)} ms (target < 300 ms)`);
    await sleep(500);
    const idle = rssMb(d!.pid);

    const c = await BerthClient.connect({ socket: d!.socket, client: 'bench' });
    const exits = new Map<string, () => void>();
    c.onEvent((e) => {
      if (e.type === 'exited') exits.get(e.id)?.();
    });
    await c.request('subscribe', {});
    const samples = new Map<string, number[]>([['berthd (socket)', []], ...clis.map((r) => [r.name, []] as [string, number[]])]);
    const failures = new Map<string, number>();
    for (let i = 0; i < 2; i++) await socketCycle(c, exits, trueBundle.dir, `warm-${i}`);
    for (let i = 0; i < iterations; i++) {
      samples.get('berthd (socket)')!.push(await socketCycle(c, exits, trueBundle.dir, `b-${i}`));
      for (const r of clis) {
        try {
          samples.get(r.name)!.push((await cycle(r, ctxs.get(r.name)!, `c-${i}`)).cycle);
        } catch {
          failures.set(r.name, (failures.get(r.name) ?? 0) + 1);
          forceDeleteAll(r, ctxs.get(r.name)!);
        }
      }
    }
    out.push('', `create→start→exit→delete of /bin/true (${iterations} interleaved rounds, ms):`);
    for (const [name, s] of samples) out.push(`  ${name.padEnd(16)} median ${median(s).toFixed(1).padStart(6)}  p95 ${p95(s).toFixed(1).padStart(6)}${failures.get(name) ? `  (${failures.get(name)} failed)` : ''}`);

    // concurrent containers: all started at once, then all deleted at once.
    out.push('', `${concurrent} concurrent sleep containers (wall ms, start all / delete all):`);
    let t0 = now();
    const started = await Promise.allSettled(Array.from({ length: concurrent }, (_, i) => c.request('run', { id: `many-${i}`, bundle: sleepBundle.dir })));
    const runMs = now() - t0;
    const ok = started.filter((r) => r.status === 'fulfilled').length;
    await sleep(500);
    const busy = rssMb(d!.pid);
    t0 = now();
    await Promise.allSettled(Array.from({ length: concurrent }, (_, i) => c.request('delete', { id: `many-${i}`, force: true })));
    const delMs = now() - t0;
    out.push(`  ${'berthd (socket)'.padEnd(16)} ${runMs.toFixed(0).padStart(6)} / ${delMs.toFixed(0).padStart(6)}   (${ok}/${concurrent} started)`);
    c.close();
    for (const r of clis) {
      const ctx = { ...ctxs.get(r.name)!, bundle: sleepBundle.dir };
      t0 = now();
      const res = await Promise.allSettled(Array.from({ length: concurrent }, async (_, i) => {
        await call(r, ctx, ['create', '--bundle', ctx.bundle, `many-${i}`]);
        await call(r, ctx, ['start', `many-${i}`]);
      }));
      const ms = now() - t0;
      t0 = now();
      await Promise.allSettled(Array.from({ length: concurrent }, (_, i) => call(r, ctx, ['delete', '--force', `many-${i}`])));
      const dms = now() - t0;
      forceDeleteAll(r, ctx);
      out.push(`  ${r.name.padEnd(16)} ${ms.toFixed(0).padStart(6)} / ${dms.toFixed(0).padStart(6)}   (${res.filter((x) => x.status === 'fulfilled').length}/${concurrent} started)`);
    }
    out.push('', `berthd RSS: idle ${idle.toFixed(1)} MB (target < 60 MB), with ${ok} running containers ${busy.toFixed(1)} MB`);
    out.push(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; runtimes: berthd ${BERTHD}, ${clis.map((r: BenchRuntime) => `${r.name} ${r.real}${r.note ? ` (${r.note})` : ''}`).join(', ')}`);
    console.log(out.join('\n'));
  } finally {
    await d?.stop();
    for (const r of clis) forceDeleteAll(r, ctxs.get(r.name)!);
    trueBundle.cleanup();
    sleepBundle.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench/daemon: ${(e as Error).message}`);
  process.exit(1);
});
