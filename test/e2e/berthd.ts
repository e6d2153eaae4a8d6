// A private berthd for a test: its own --root, socket and audit log in a
// temp directory (never /run/berth), started from dist/berthd.js and ended
// by its pid. `stop()` first deletes, with force, every container it still
// knows, because berthd's graceful stop leaves containers running.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BerthClient } from '../../helper/protocol/client';

export const BERTHD_JS = resolve(__dirname, '../../dist/berthd.js');

export interface TestDaemon {
  dir: string;
  socket: string;
  root: string;
  proc: ChildProcess;
  output(): string;
  /** A connected client (for the test's own checks). */
  client(): Promise<BerthClient>;
  stop(): Promise<void>;
}

/** Why berthd cannot run a container here, or undefined when it can. */
export function berthdMissing(): string | undefined {
  if (!existsSync(BERTHD_JS)) return 'dist/berthd.js is not built (run node esbuild.mjs; helper/daemon may not have landed)';
  if (process.getuid?.() !== 0) return 'berthd needs root for real containers';
  return undefined;
}

export async function startBerthd(): Promise<TestDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-e2e-d-'));
  const socket = join(dir, 'berthd.sock');
  const root = join(dir, 'root');
  const proc = spawn(process.execPath, [BERTHD_JS, '--root', root, '--socket', socket, '--audit-log', join(dir, 'audit.log'), '--group', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      try {
        const c = await BerthClient.connect({ socket, client: 'berth-test-cleanup', timeoutMs: 2000 });
        const { containers } = await c.request('list', {});
        for (const k of containers) await c.request('delete', { id: k.id, force: true }).catch(() => undefined);
        c.close();
      } catch {
        // berthd unreachable: nothing more to clean through it
      }
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`berthd exited with ${proc.exitCode}: ${out}`);
    }
    if (existsSync(socket)) {
      try {
        const c = await BerthClient.connect({ socket, client: 'berth-test', timeoutMs: 2000 });
        c.close();
        break;
      } catch {
        // listening but not ready yet
      }
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`berthd did not listen on ${socket} within 15 s: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    dir,
    socket,
    root,
    proc,
    output: () => out,
    client: () => BerthClient.connect({ socket, client: 'berth-test', timeoutMs: 5000 }),
    stop,
  };
}
