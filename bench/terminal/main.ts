// bench/terminal: what a user feels in a container terminal, through the
// extension's path (Unix socket → berthd → pty → container) beside runc
// running the same bundle on a pty (util-linux `script` holds the master).
//  - keystroke to echo: one byte written, time until the shell echoes it
//    (busybox sh's line editor), N times, median and p95;
//  - bulk output: `cat` of a 50 MB text file inside the container until an
//    end marker, MB/s.
// Run as root: `npx tsx bench/terminal/main.ts [keystrokes]`. Targets (issue
// 5): echo median under 5 ms; throughput at least half of runc's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBundle } from '../../test/fixtures/bundle';
import { startBerthd } from '../../test/e2e/berthd';

const KEYS = Number(process.argv[2] ?? 200);
const BIG_MB = 50;
const END = 'END-OF-CAT-5d1f';

/** A console seen as: write bytes in, wait for text to show up in what came out. */
interface Console {
  write(s: string): void;
  /** Resolves when `needle` appears in output received after `from` (an offset into all output). */
  waitFor(needle: string, from: number): Promise<number>;
  received(): number;
  close(): Promise<void>;
}

function outputWaiter() {
  let out = '';
  let total = 0;
  let waiter: { needle: string; from: number; resolve: (n: number) => void } | undefined;
  return {
    push(chunk: string) {
      // Keep only a tail for matching: the cat output is large.
      total += chunk.length;
      out = (out + chunk).slice(-4096);
      if (waiter) {
        const startInTail = Math.max(0, out.length - (total - waiter.from));
        const at = out.indexOf(waiter.needle, startInTail);
        if (at >= 0) {
          const w = waiter;
          waiter = undefined;
          w.resolve(total);
        }
      }
    },
    waitFor(needle: string, from: number, timeoutMs = 30_000) {
      return new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${JSON.stringify(needle)} within ${timeoutMs} ms; last output ${JSON.stringify(out.slice(-200))}`)), timeoutMs);
        waiter = {
          needle,
          from,
          resolve: (n) => {
            clearTimeout(t);
            resolve(n);
          },
        };
        this.push('');
      });
    },
    received: () => total,
  };
}

async function measure(name: string, con: Console): Promise<{ name: string; median: number; p95: number; mbps: number }> {
  process.stderr.write(`${name}: waiting for the prompt\n`);
  await con.waitFor('# ', 0);
  process.stderr.write(`${name}: ${KEYS} keystrokes\n`);
  const times: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const from = con.received();
    const t0 = process.hrtime.bigint();
    con.write(ch);
    await con.waitFor(ch, from);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (i % 20 === 19) {
      const f = con.received();
      con.write('\x15'); // Ctrl-U: clear the line the keystrokes built; the shell redraws its prompt
      await con.waitFor('# ', f);
    }
  }
  con.write('\x15');
  process.stderr.write(`${name}: cat ${BIG_MB} MB\n`);
  times.sort((a, b) => a - b);
  const from = con.received();
  const t0 = process.hrtime.bigint();
  con.write(`cat /big; echo ${END.slice(0, 6)}""${END.slice(6)}\r`);
  const end = await con.waitFor(END, from);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  await con.close();
  return { name, median: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], mbps: (end - from) / 1e6 / secs };
}

async function berthConsole(bundleDir: string): Promise<[Console, () => Promise<void>]> {
  const d = await startBerthd();
  const c = await d.client().catch(async (e: unknown) => {
    await d.stop();
    throw e;
  });
  const stop = async () => {
    c.close();
    await d.stop();
  };
  const w = outputWaiter();
  const id = `bench-term-${process.pid}`;
  let a;
  try {
    await c.request('create', { id, bundle: bundleDir, consoleSize: { rows: 40, cols: 120 } });
    a = await c.request('attach', { id, replay: true });
  } catch (e) {
    await stop();
    throw e;
  }
  const session = a.session;
  c.onOutput((o) => {
    if (o.session === session) w.push(Buffer.from(o.data, 'base64').toString('latin1'));
  });
  await c.request('start', { id });
  const con: Console = {
    write: (s) => void c.request('write', { session, data: Buffer.from(s).toString('base64') }),
    waitFor: (n, f) => w.waitFor(n, f),
    received: w.received,
    close: async () => {
      await c.request('kill', { id, signal: 'SIGKILL' }).catch(() => undefined);
    },
  };
  return [con, stop];
}

function runcConsole(bundleDir: string, root: string): Console {
  const id = `bench-term-runc-${process.pid}`;
  const p = spawn('script', ['-qfec', `runc --root ${root} run -b ${bundleDir} ${id}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const w = outputWaiter();
  p.stdout!.on('data', (d: Buffer) => w.push(d.toString('latin1')));
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  return {
    write: (s) => p.stdin!.write(s),
    waitFor: (n, f) => w.waitFor(n, f),
    received: w.received,
    close: async () => {
      spawn('runc', ['--root', root, 'kill', id, 'KILL']);
      await exited;
      spawn('runc', ['--root', root, 'delete', '-f', id]);
    },
  };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench/terminal: run as root (containers)');
  const bundle = makeBundle(['sh'], (s) => {
    s.process!.terminal = true;
  });
  const runcRoot = mkdtempSync(join(tmpdir(), 'berth-bench-runc-'));
  try {
    const line = 'the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ\n';
    writeFileSync(join(bundle.rootfs, 'big'), line.repeat(Math.ceil((BIG_MB * 1e6) / line.length)));
    const [berth, stop] = await berthConsole(bundle.dir);
    const rb = await measure('berth (socket → berthd → pty)', berth);
    await stop();
    const rr = await measure('runc run on a pty (script)', runcConsole(bundle.dir, runcRoot));
    console.log(`keystrokes: ${KEYS}, cat: ${BIG_MB} MB of text`);
    for (const r of [rb, rr]) console.log(`${r.name.padEnd(34)} echo median ${r.median.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms  cat ${r.mbps.toFixed(1)} MB/s`);
    console.log(`berth/runc throughput: ${(rb.mbps / rr.mbps).toFixed(2)}`);
  } finally {
    bundle.cleanup();
    rmSync(runcRoot, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
