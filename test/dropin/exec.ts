// Runs a command to completion with stdout/stderr captured through files,
// never pipes: a container that podman or ctr starts may inherit the
// caller's stdio, and a pipe would then block the reader until the
// container exits. Every call has a timeout.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Ran {
  /** exit code, or null when killed (then `signal` says why, 'SIGKILL' on timeout) */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function run(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Ran {
  const dir = mkdtempSync(join(tmpdir(), 'berth-dropin-io-'));
  const out = openSync(join(dir, 'out'), 'w');
  const err = openSync(join(dir, 'err'), 'w');
  const t0 = Date.now();
  try {
    const r = spawnSync(cmd, args, { stdio: ['ignore', out, err], timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL', env: opts.env ?? process.env });
    return {
      code: r.status,
      signal: r.signal,
      stdout: readFileSync(join(dir, 'out'), 'utf8'),
      stderr: readFileSync(join(dir, 'err'), 'utf8') + (r.error ? `${r.error.message}\n` : ''),
      ms: Date.now() - t0,
    };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line for a report: the command's exit and the first lines of its stderr. */
export function why(r: Ran): string {
  const err = r.stderr.trim().split('\n').slice(-3).join(' | ');
  return `${r.signal ? `killed by ${r.signal}` : `exit ${r.code}`}${err ? `: ${err}` : ''}`;
}
