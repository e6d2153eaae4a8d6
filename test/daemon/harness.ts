// Starts a real berthd (dist/berthd.js) on its own temporary root, socket and
// audit log, so tests never meet each other or /run/berth. `stop()` SIGTERMs
// it, `crash()` SIGKILLs it; `cleanup()` removes every container left in the
// root (through the runtime, so mounts and processes go too) and the dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { BerthClient } from '../../helper/protocol/client';
import { berthdArgv } from '../../helper/daemon/nodeFlags';
import { holdersOf, killAll } from '../../helper/daemon/orphans';
import { runtime } from '../../helper/runtime/runtime';

export const BERTHD = resolve(__dirname, '../../dist/berthd.js');

export interface Berthd {
  dir: string;
  root: string;
  socket: string;
  audit: string;
  child: ChildProcess;
  stderr(): string;
  connect(client?: string): Promise<BerthClient>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  crash(): Promise<void>;
  /** Starts another berthd on the same root and socket (after stop/crash). */
  restart(): Promise<Berthd>;
}

export function requireBuild(): void {
  if (!existsSync(BERTHD)) throw new Error(`${BERTHD} is missing: run \`node esbuild.mjs\` first`);
}

let snapshot: string | undefined;

/**
 * A private copy of the runtime bundles (another build may rewrite dist/
 * meanwhile) in `dir`: berthd, the stages, the CLI, and the koffi/ folder of
 * native addons the bundles load from beside them (esbuild.mjs).
 */
export function copyRuntime(dir: string): void {
  for (const f of ['berthd.js', 'init.js', 'exec.js', 'berth']) copyFileSync(resolve(__dirname, '../../dist', f), join(dir, f));
  const addons = resolve(__dirname, '../../dist/koffi');
  if (existsSync(addons)) cpSync(addons, join(dir, 'koffi'), { recursive: true });
}

/**
 * A private copy of dist/berthd.js and dist/init.js for this test process,
 * inside the repository (so `koffi` still resolves from node_modules). In a
 * shared checkout another `npm test` may rebuild dist/ at any moment, and an
 * init stage spawned from a half-written init.js fails; the copy is immune.
 */
function berthdCopy(): string {
  if (snapshot) return snapshot;
  const dir = join(resolve(__dirname, '../../test-artifacts'), `berthd-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  copyRuntime(dir);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  snapshot = join(dir, 'berthd.js');
  return snapshot;
}

/** The private copy of the `berth` CLI beside berthd's (same init.js), for tests that mix CLI and berthd on one root. */
export function berthCli(): string {
  return join(dirname(berthdCopy()), 'berth');
}

export function makeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berthd-test-'));
  chmodSync(dir, 0o711); // a non-root client must be able to reach the socket
  return dir;
}

const LISTEN_TIMEOUT_MS = 30_000;

export async function startBerthd(dir: string = makeDir(), extra: string[] = [], nodeFlags: string[] = []): Promise<Berthd> {
  requireBuild();
  const root = join(dir, 'root');
  const socket = join(dir, 'berthd.sock');
  const audit = join(dir, 'audit.log');
  rmSync(socket, { force: true });
  const child = spawn(process.execPath, berthdArgv(berthdCopy(), ['--root', root, '--socket', socket, '--audit-log', audit, ...extra], nodeFlags), { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  // A bound, not a figure: berthd listens in ~0.1 s here, but 4-5 s in the qemu guest of scripts/vm.
  const deadline = Date.now() + LISTEN_TIMEOUT_MS;
  while (!existsSync(socket)) {
    if (child.exitCode !== null) throw new Error(`berthd exited with ${child.exitCode}: ${err}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`berthd did not listen within ${LISTEN_TIMEOUT_MS / 1000} s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const b: Berthd = {
    dir, root, socket, audit, child,
    stderr: () => err,
    connect: (client = 'test') => BerthClient.connect({ socket, client }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async crash() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    restart: () => startBerthd(dir, extra, nodeFlags),
  };
  return b;
}

/** Force-deletes every container in root with the runtime library, kills keepers, removes dir. */
export async function cleanupDir(dir: string): Promise<void> {
  const root = join(dir, 'root');
  if (existsSync(root)) {
    for (const s of await runtime.list({ root }).catch(() => [])) {
      await killAll(holdersOf(join(root, s.id, 'exec.fifo')));
      await runtime.delete({ root }, s.id, true).catch(() => undefined);
    }
    const records = join(root, 'berthd@', 'containers');
    if (existsSync(records)) {
      for (const id of readdirSync(records)) {
        try {
          const r = JSON.parse(readFileSync(join(records, id, 'record.json'), 'utf8')) as { keeper?: { pid: number } };
          if (r.keeper) process.kill(r.keeper.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Open fds and RSS (kB) of a process, from /proc. */
export function usage(pid: number): { fds: number; rssKb: number } {
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { fds, rssKb: m ? Number(m[1]) : -1 };
}

/** True when pid is one of berthd's waiting pooled inits: its stdout is a slot file of the pool under root (helper/daemon/pool.ts). */
export function isPooledInit(pid: number | string, root: string): boolean {
  try {
    return readlinkSync(`/proc/${pid}/fd/1`).startsWith(join(root, 'berthd@', 'pool', 'slot-'));
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
