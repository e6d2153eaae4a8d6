// bench/daemon: berthd through its socket beside runc's and crun's CLIs, in
// one run, on one busybox bundle. Prints
//   - berthd start-up to a listening socket (and to a hello answer),
//   - create→start→exit→delete of /bin/true (median, p95), interleaved
//     round by round so machine load hits every runtime alike,
//   - 100 containers started concurrently and deleted again (wall time),
//   - berthd's RSS idle and with 100 running containers, and its pool of
//     pre-started inits' RSS (separate processes).
// The cycle is measured twice for berthd: with its default init pool and
// with --init-pool 0 (each create spawns its own init), on separate roots.
// State directories (--root of every runtime, berthd's socket and journal)
// live under --state-base, by default /dev/shm: a tmpfs, as /run is on a
// production host (the runtimes' default roots /run/berth, /run/runc,
// /run/crun); on this VM /run and /tmp are ext4, where berth's fsync of
// each state file costs a few ms per container. Pass --state-base /tmp to see that.
//   npm run bench:daemon [-- --iterations 20 --concurrent 100 --state-base /dev/shm]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { berthdArgv, NODE_FLAGS } from '../../helper/daemon/nodeFlags';
import { BerthClient } from '../../helper/protocol/client';
import { makeBundle } from '../../test/fixtures/bundle';
import { call, cycle, forceDeleteAll, type Ctx } from '../lifecycle/measure';
import { benchRuntimes, stopRuntimes, type BenchRuntime } from '../lifecycle/runtimes';
import { median, p95 } from '../lifecycle/stats';

const BERTHD = resolve(__dirname, '../../dist/berthd.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function strArg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

/** The filesystem type of path, from /proc/self/mounts (longest matching mount point). */
function fsType(path: string): string {
  let best = { at: '', type: '?' };
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, at, type] = line.split(' ');
    if (at && (path === at || path.startsWith(at.endsWith('/') ? at : `${at}/`)) && at.length >= best.at.length) best = { at, type };
  }
  return best.type;
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

/** Children of pid running dist/init.js: berthd's pooled inits while no create is under way. */
function poolPids(pid: number): number[] {
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return kids.filter((k) => {
    try {
      return readFileSync(`/proc/${k}/cmdline`, 'utf8').includes('init.js');
    } catch {
      return false;
    }
  });
}

/** Starts berthd as its launchers do (under NODE_FLAGS), or with Node's defaults when plainNode (berthd told not to re-execute itself). */
async function startBerthd(dir: string, extra: string[] = [], plainNode = false): Promise<{ d: Berthd; listenMs: number }> {
  const socket = join(dir, 'berthd.sock');
  rmSync(socket, { force: true });
  const t0 = now();
  const args = ['--root', join(dir, 'root'), '--socket', socket, '--audit-log', join(dir, 'audit.log'), ...extra];
  const child = plainNode
    ? spawn(process.execPath, [BERTHD, ...args], { stdio: 'ignore', env: { ...process.env, BERTHD_NODE_FLAGS_APPLIED: '1' } })
    : spawn(process.execPath, berthdArgv(BERTHD, args), { stdio: 'ignore' });
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

/** A client subscribed to every event, with a resolver per container id for its `exited` event. */
async function subscribed(socket: string): Promise<{ c: BerthClient; exits: Map<string, () => void> }> {
  const c = await BerthClient.connect({ socket, client: 'bench' });
  const exits = new Map<string, () => void>();
  c.onEvent((e) => {
    if (e.type === 'exited') exits.get(e.id)?.();
  });
  await c.request('subscribe', {});
  return { c, exits };
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
  const stateBase = strArg('--state-base', existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  const dir = mkdtempSync(join(stateBase, 'berth-bench-daemon-'));
  const ctxs = new Map<string, Ctx>();
  for (const r of clis) {
    mkdirSync(join(dir, r.name));
    ctxs.set(r.name, { root: join(dir, r.name), bundle: trueBundle.dir, log: join(dir, `${r.name}.stderr.log`) });
  }
  const out: string[] = [];
  let d: Berthd | undefined;
  let nopool: Berthd | undefined;
  let plain: Berthd | undefined;
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
    const pooled = poolPids(d!.pid);
    const poolRss = pooled.reduce((a, p) => a + rssMb(p), 0);
    mkdirSync(join(dir, 'nopool'));
    nopool = (await startBerthd(join(dir, 'nopool'), ['--init-pool', '0'])).d;
    await sleep(300);
    const idleNoPool = rssMb(nopool.pid);
    // The same berthd under Node's default flags: what NODE_FLAGS save in memory, and cost per cycle.
    mkdirSync(join(dir, 'plain'));
    plain = (await startBerthd(join(dir, 'plain'), [], true)).d;
    (await BerthClient.connect({ socket: plain.socket, client: 'bench' })).close();
    await sleep(500);
    const idlePlain = rssMb(plain.pid);

    const runs = [
      { name: 'berthd (socket)', ...(await subscribed(d!.socket)) },
      { name: 'berthd, no pool', ...(await subscribed(nopool.socket)) },
      { name: 'berthd, defaults', ...(await subscribed(plain.socket)) },
    ];
    const c = runs[0].c;
    const samples = new Map<string, number[]>([...runs.map((r) => [r.name, []] as [string, number[]]), ...clis.map((r) => [r.name, []] as [string, number[]])]);
    const failures = new Map<string, number>();
    for (const r of runs) for (let i = 0; i < 2; i++) await socketCycle(r.c, r.exits, trueBundle.dir, `warm-${i}`);
    for (let i = 0; i < iterations; i++) {
      for (const r of runs) samples.get(r.name)!.push(await socketCycle(r.c, r.exits, trueBundle.dir, `b-${i}`));
      for (const r of clis) {
        try {
          samples.get(r.name)!.push((await cycle(r, ctxs.get(r.name)!, `c-${i}`)).cycle);
        } catch {
          failures.set(r.name, (failures.get(r.name) ?? 0) + 1);
          forceDeleteAll(r, ctxs.get(r.name)!);
        }
      }
    }
    for (const r of runs.slice(1)) r.c.close();
    await nopool.stop();
    nopool = undefined;
    await plain.stop();
    plain = undefined;
    out.push('', `create→start→exit→delete of /bin/true (${iterations} interleaved rounds, ms):`);
    for (const [name, s] of samples) out.push(`  ${name.padEnd(16)} median ${median(s).toFixed(1).padStart(6)}  p95 ${p95(s).toFixed(1).padStart(6)}${failures.get(name) ? `  (${failures.get(name)} failed)` : ''}`);
    const ratio = (a: string, b: string) => (samples.get(a)?.length && samples.get(b)?.length ? `${(median(samples.get(a)!) / median(samples.get(b)!)).toFixed(2)}×` : '—');
    out.push(`  ratios of medians: berthd/crun ${ratio('berthd (socket)', 'crun')} (target ≤ 0.5×), berthd/runc ${ratio('berthd (socket)', 'runc')}`);

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
      out.push(`  ${''.padEnd(16)} berthd/${r.name}: ${(runMs / ms).toFixed(2)}× start all${r.name === 'crun' ? ' (target ≤ 1×)' : ''}`);
    }
    out.push('', `berthd RSS: idle ${idle.toFixed(1)} MB (target < 60 MB; ${idleNoPool.toFixed(1)} MB with --init-pool 0; ${idlePlain.toFixed(1)} MB under Node's default flags), with ${ok} running containers ${busy.toFixed(1)} MB`);
    out.push(`berthd's node flags: ${NODE_FLAGS.join(' ')}`);
    out.push(`init pool: ${pooled.length} pre-started inits, ${poolRss.toFixed(1)} MB RSS together (separate processes)`);
    out.push(`state directories in ${stateBase} (${fsType(resolve(stateBase))})`);
    out.push(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; runtimes: berthd ${BERTHD}, ${clis.map((r: BenchRuntime) => `${r.name} ${r.real}${r.note ? ` (${r.note})` : ''}`).join(', ')}`);
    console.log(out.join('\n'));
  } finally {
    await d?.stop();
    await nopool?.stop();
    await plain?.stop();
    for (const r of clis) forceDeleteAll(r, ctxs.get(r.name)!);
    stopRuntimes(found);
    trueBundle.cleanup();
    sleepBundle.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench/daemon: ${(e as Error).message}`);
  process.exit(1);
});
