// Test harness for the runtime: runs dist/berth (and runc, for side-by-side
// checks) with a temp --root per test, container stdio in files (a pipe
// around `create`/`run -d` would be inherited by the container), and
// cleanup that kills and deletes whatever a test left behind.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT_DIR = resolve(__dirname, '../..');
export const BERTH = join(ROOT_DIR, 'dist/berth');

/** Builds dist/ once if a filtered run (`node test/run.mjs runtime`) skipped the build. */
export function ensureBuilt(): void {
  if (!existsSync(BERTH) || !existsSync(join(ROOT_DIR, 'dist/init.js'))) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT_DIR, stdio: 'inherit' });
}

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

export class Runner {
  readonly root: string;
  readonly out: string;
  private ids = new Set<string>();

  constructor(
    readonly bin: string = BERTH,
    readonly name = 'berth',
    /** Off for tests that make their ids unique themselves and use verbs withIds() does not know. */
    private readonly suffixIds = true,
  ) {
    this.root = mkdtempSync(join(tmpdir(), `${name}-root-`));
    this.out = mkdtempSync(join(tmpdir(), `${name}-out-`));
  }

  /**
   * The id the runtime sees for a test's container name. Cgroup paths are
   * derived from ids alone, so ids must be unique across everyone's
   * concurrent tests, not just within this runner's --root.
   */
  id(name: string): string {
    return this.suffixIds ? `${name}-${process.pid}` : name;
  }

  /** Appends the unique suffix to the container id in a verb's arguments. */
  private withIds(args: string[]): string[] {
    const out = [...args];
    const verb = out[0];
    if (verb === 'kill') {
      const i = out.findIndex((a, j) => j > 0 && !a.startsWith('-'));
      if (i > 0) out[i] = this.id(out[i]);
    } else if (['create', 'run', 'start', 'state', 'delete'].includes(verb) && out.length > 1) {
      out[out.length - 1] = this.id(out[out.length - 1]);
    }
    return out;
  }

  /** Runs `bin --root <root> ...args` with stdout/stderr in files; stdin is /dev/null. Container names get a unique suffix (id()). */
  run(rawArgs: string[], opts: { cwd?: string; globals?: string[]; timeoutMs?: number; stdio?: (number | 'ignore' | 'inherit')[] } = {}): Result {
    const args = this.withIds(rawArgs);
    const id = rawArgs[rawArgs.length - 1];
    if (args[0] === 'create' || args[0] === 'run') this.ids.add(id);
    const o = this.stdoutPath;
    const e = join(this.out, 'stderr');
    const fo = openSync(o, 'w');
    const fe = openSync(e, 'w');
    try {
      const r = spawnSync(this.bin, [...(opts.globals ?? []), '--root', this.root, ...args], {
        cwd: opts.cwd,
        stdio: (opts.stdio as never) ?? ['ignore', fo, fe],
        timeout: opts.timeoutMs ?? 20_000,
      });
      return { status: r.status ?? -1, stdout: readFileSync(o, 'utf8'), stderr: readFileSync(e, 'utf8') };
    } finally {
      closeSync(fo);
      closeSync(fe);
    }
  }

  get stdoutPath(): string {
    return join(this.out, 'stdout');
  }

  state(id: string): { status: string; pid: number; [k: string]: unknown } {
    const r = this.run(['state', id]);
    if (r.status !== 0) throw new Error(`state ${id}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }

  /** Kills and deletes every container this runner created, then removes its dirs. */
  cleanup(): void {
    for (const id of this.ids) {
      this.run(['kill', id, 'KILL']);
      this.run(['delete', '--force', id]);
    }
    rmSync(this.root, { recursive: true, force: true });
    rmSync(this.out, { recursive: true, force: true });
  }
}

export function hasRunc(): boolean {
  return existsSync('/usr/sbin/runc') || existsSync('/usr/bin/runc');
}

export function runcPath(): string {
  return existsSync('/usr/sbin/runc') ? '/usr/sbin/runc' : '/usr/bin/runc';
}

/** Waits until `pred` holds (polling), or throws after `ms`. */
export async function until(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function alive(pid: number): boolean {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(st);
  } catch {
    return false;
  }
}

/** Pids of processes whose fd `fd` is `path`: finds a leftover init by the output file it inherited. */
export function pidsHolding(path: string, fd = 1): number[] {
  const out: number[] = [];
  for (const p of require('node:fs').readdirSync('/proc') as string[]) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (require('node:fs').readlinkSync(`/proc/${p}/fd/${fd}`) === path) out.push(Number(p));
    } catch {
      // not ours or gone
    }
  }
  return out;
}
