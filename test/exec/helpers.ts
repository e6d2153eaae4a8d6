// Running dist/berth against a private --root, and a busybox container that
// stays up (sleep) for exec tests, removed again in t.after.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spec } from '../../helper/spec/types';
import { makeBundle } from '../fixtures/bundle';

export const BERTH = join(__dirname, '../../dist/berth');

export function needBuild(): void {
  if (!existsSync(BERTH) || !existsSync(join(__dirname, '../../dist/exec.js'))) throw new Error('dist/berth or dist/exec.js missing: run `node esbuild.mjs` (npm test does)');
}

export interface Container {
  root: string;
  id: string;
  pid: number;
  berth(args: string[], opts?: SpawnSyncOptions): { status: number | null; stdout: string; stderr: string };
  /** `berth exec <id> -- args`, returning stdout trimmed and the exit status. */
  exec(args: string[], flags?: string[]): { status: number | null; stdout: string; stderr: string };
}

export function berthIn(root: string) {
  return (args: string[], opts: SpawnSyncOptions = {}) => {
    const r = spawnSync(BERTH, ['--root', root, ...args], { encoding: 'utf8', timeout: 30000, ...opts });
    return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  };
}

/** A started busybox container running `sleep 1000`. */
export function runningContainer(t: { after(fn: () => void): void }, edit?: (s: Spec) => void): Container {
  needBuild();
  const root = mkdtempSync(join(tmpdir(), 'berth-root-'));
  const bundle = makeBundle(['sleep', '1000'], edit);
  const id = `exec-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const berth = berthIn(root);
  t.after(() => {
    berth(['delete', '--force', id]);
    bundle.cleanup();
    rmSync(root, { recursive: true, force: true });
  });
  // The init inherits create's stdio: pipes would keep spawnSync waiting for it, so a file.
  const log = join(root, 'create.log');
  const fd = openSync(log, 'w');
  let c;
  try {
    c = berth(['create', '--bundle', bundle.dir, id], { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  if (c.status !== 0) throw new Error(`create failed: ${readFileSync(log, 'utf8')}`);
  const s = berth(['start', id]);
  if (s.status !== 0) throw new Error(`start failed: ${s.stderr}`);
  const pid = JSON.parse(berth(['state', id]).stdout).pid as number;
  return {
    root, id, pid, berth,
    exec: (args, flags = []) => {
      const r = berth(['exec', ...flags, id, '--', ...args]);
      return { ...r, stdout: r.stdout.trim() };
    },
  };
}

export function nsLink(pid: number | string, name: string): string {
  return readlinkSync(`/proc/${pid}/ns/${name}`);
}
