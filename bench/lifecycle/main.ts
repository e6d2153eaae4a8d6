// bench/lifecycle: runc, crun and berth side by side on one busybox bundle,
// interleaved (each round runs every runtime, in a rotating order, so drift
// in machine load hits all of them alike). Prints one table of medians and
// p95s in milliseconds, and berth's ratio to runc and crun, once for the
// default bundle and once for the hardened one (cgroup limits, seccomp, user
// namespace: hardened.ts).
//   npm run bench:lifecycle [-- --iterations 20 --parallel-rounds 3 --config default|hardened]
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spec } from '../../helper/spec/types';
import { makeBundle } from '../../test/fixtures/bundle';
import { harden, profileSource } from './hardened';
import { cycle, execTrue, forceDeleteAll, parallelCycles, runToExit, startExecTarget, type Ctx } from './measure';
import { benchRuntimes, stopRuntimes, type BenchRuntime } from './runtimes';
import { median, p95 } from './stats';

const OPS = ['run /bin/true to exit', 'create', 'start', 'delete', 'create→start→exit→delete', 'exec /bin/true (running container)', '20 parallel cycles (wall)'] as const;
type Op = (typeof OPS)[number];

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function rotate<T>(xs: T[], k: number): T[] {
  return xs.map((_, i) => xs[(i + k) % xs.length]);
}

function table(rts: BenchRuntime[], samples: Map<string, Record<Op, number[]>>, iterations: number, rounds: number): string {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
  const cols = rts.map((r) => `${r.name} med / p95`);
  const ratioTo = rts.some((r) => r.name === 'berth') ? rts.filter((r) => r.name !== 'berth') : [];
  const head = ['operation (ms)', ...cols, ...ratioTo.map((r) => `berth/${r.name}`)];
  const rows = OPS.map((op) => {
    const cells = rts.map((r) => {
      const s = samples.get(r.name)![op];
      return `${fmt(median(s))} / ${fmt(p95(s))}`;
    });
    const berth = samples.get('berth')?.[op];
    const ratios = ratioTo.map((r) => (berth ? `${(median(berth) / median(samples.get(r.name)![op])).toFixed(2)}×` : ''));
    return [op, ...cells, ...ratios];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    `${iterations} samples per single operation, ${rounds} rounds of 20 parallel cycles; medians and nearest-rank p95.`,
  ].join('\n');
}

/** The configurations measured: the bare default bundle, and the hardened one (hardened.ts). */
const CONFIGS = ['default', 'hardened'] as const;
type Config = (typeof CONFIGS)[number];

interface Measured {
  samples: Map<string, Record<Op, number[]>>;
  failures: Map<string, string[]>;
}

/** Every operation of OPS for every runtime on one configuration, interleaved. */
async function measure(found: BenchRuntime[], config: Config, iterations: number, rounds: number): Promise<Measured> {
  // crun 1.8 refuses ociVersion 1.3.0 ("unknown version specified"); the
  // bundle says 1.0.2, which all three accept, and uses nothing newer.
  const edit = (s: Spec) => {
    s.ociVersion = '1.0.2';
    if (config === 'hardened') harden(s);
  };
  const bundle = makeBundle(['/bin/true'], edit);
  // The exec target: PID 1 sleeps until killed (the finally force-deletes it).
  const longRunning = makeBundle(['sleep', '3600'], edit);
  // The container's root is an unprivileged host uid under a user namespace: it must reach the rootfs.
  for (const b of [bundle, longRunning]) chmodSync(b.dir, 0o755);
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-root-'));
  // One --root per runtime: their state layouts differ.
  const ctxs = new Map<string, Ctx>();
  for (const r of found) {
    mkdirSync(join(root, r.name));
    ctxs.set(r.name, { root: join(root, r.name), bundle: bundle.dir, log: join(root, `${r.name}.stderr.log`) });
  }
  const ctx = (r: BenchRuntime) => ctxs.get(r.name)!;
  // A failed operation is counted and reported, not timed; the run goes on.
  const failures = new Map<string, string[]>(found.map((r) => [r.name, []]));
  const sample = async <T>(r: BenchRuntime, op: () => Promise<T>, record: (v: T) => void) => {
    try {
      record(await op());
    } catch (e) {
      failures.get(r.name)!.push((e as Error).message);
      forceDeleteAll(r, ctx(r));
    }
  };
  const samples = new Map<string, Record<Op, number[]>>();
  for (const r of found) samples.set(r.name, Object.fromEntries(OPS.map((o) => [o, []])) as unknown as Record<Op, number[]>);
  try {
    // One untimed cycle each: page cache, the runtime's first-run work.
    for (const r of found) await sample(r, () => cycle(r, ctx(r), `warm-${r.name}`), () => undefined);
    const execTargets = new Map<string, boolean>();
    for (const r of found) await sample(r, () => startExecTarget(r, ctx(r), longRunning.dir, `exec-${r.name}`), () => execTargets.set(r.name, true));
    for (let i = 0; i < iterations; i++) {
      for (const r of rotate(found, i)) {
        const s = samples.get(r.name)!;
        await sample(r, () => runToExit(r, ctx(r), `run-${r.name}-${i}`), (ms) => s['run /bin/true to exit'].push(ms));
        await sample(r, () => cycle(r, ctx(r), `cyc-${r.name}-${i}`), (c) => {
          s.create.push(c.create);
          s.start.push(c.start);
          s.delete.push(c.delete);
          s['create→start→exit→delete'].push(c.cycle);
        });
        if (execTargets.get(r.name)) await sample(r, () => execTrue(r, ctx(r), `exec-${r.name}`), (ms) => s['exec /bin/true (running container)'].push(ms));
      }
    }
    for (let i = 0; i < rounds; i++) {
      for (const r of rotate(found, i)) {
        await sample(r, () => parallelCycles(r, ctx(r), `par-${r.name}-${i}`, 20), (ms) => samples.get(r.name)!['20 parallel cycles (wall)'].push(ms));
      }
    }
  } finally {
    // Anything a failed call left: force-delete through each runtime, then the files.
    for (const r of found) forceDeleteAll(r, ctx(r));
    bundle.cleanup();
    longRunning.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
  return { samples, failures };
}

async function main(): Promise<void> {
  const iterations = arg('--iterations', 20);
  const rounds = arg('--parallel-rounds', 3);
  const only = process.argv.includes('--config') ? process.argv[process.argv.indexOf('--config') + 1] : undefined;
  const configs = CONFIGS.filter((c) => only === undefined || c === only);
  if (configs.length === 0) throw new Error(`--config ${only}: expected one of ${CONFIGS.join(', ')}`);
  const { found, missing } = benchRuntimes();
  if (found.length === 0) throw new Error('no runtime found: install runc/crun, build dist/berth');
  for (const m of missing) console.log(`bench: ${m} left out (not installed, not built, or --version failed)`);
  for (const config of configs) {
    const { samples, failures } = await measure(found, config, iterations, rounds);
    console.log(`\n## ${config === 'hardened' ? `hardened: memory 256 MiB + pids 128 limits, seccomp from ${profileSource()}, user namespace (root → uid 200000)` : 'default busybox bundle'}\n`);
    console.log(table(found, samples, iterations, rounds));
    for (const [name, f] of failures) if (f.length) console.log(`failures: ${name} ${f.length}, first: ${f[0]}`);
  }
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores (other work on the machine skews every column alike)`);
  for (const r of found) if (r.note) console.log(`note: ${r.note}`);
  stopRuntimes(found);
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
