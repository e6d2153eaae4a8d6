// The process `berth exec` runs, built the way runc builds it: the whole
// process from --process, or else the container's own process (from the
// config stored at create time) with the command line's args and overrides:
// --cwd replaces, --env sets (a name already in the environment gets the
// new value, in place, as crun does; runc would keep both), --cap adds, --tty and --no-new-privs set,
// --user uid[:gid] and --additional-gids replace.
import { readFileSync } from 'node:fs';
import type { Process, Spec } from '../spec/types';
import { RuntimeError } from './errors';

export interface ExecFlags {
  /** --process: a JSON file with a whole process object ("-" for stdin). */
  processFile?: string;
  args?: string[];
  cwd?: string;
  env?: string[];
  tty?: boolean;
  user?: string;
  additionalGids?: number[];
  caps?: string[];
  noNewPrivs?: boolean;
  apparmor?: string;
}

export function execProcessSpec(spec: Spec, flags: ExecFlags): Process {
  let p: Process;
  if (flags.processFile) {
    let text: string;
    try {
      text = readFileSync(flags.processFile === '-' ? 0 : flags.processFile, 'utf8');
    } catch (e) {
      throw new RuntimeError(`--process \`${flags.processFile}\`: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'bad-argument');
    }
    try {
      p = JSON.parse(text) as Process;
    } catch (e) {
      throw new RuntimeError(`--process \`${flags.processFile}\`: ${(e as Error).message}`, 'bad-argument');
    }
  } else {
    if (!spec.process) throw new RuntimeError('the container has no process to copy: use --process', 'bad-argument', '/process');
    p = structuredClone(spec.process);
    p.args = flags.args ?? [];
    if (flags.cwd) p.cwd = flags.cwd;
    if (flags.apparmor) p.apparmorProfile = flags.apparmor;
    if (flags.caps?.length) {
      const c = (p.capabilities ??= {});
      for (const cap of flags.caps) {
        for (const set of ['bounding', 'effective', 'permitted'] as const) (c[set] ??= []).push(cap);
      }
    }
    p.env = withEnv(p.env ?? [], flags.env ?? []);
    p.terminal = flags.tty ?? false;
    if (flags.noNewPrivs !== undefined) p.noNewPrivileges = flags.noNewPrivs;
    if (flags.user) p.user = { ...parseUser(flags.user), umask: p.user?.umask };
    if (flags.additionalGids?.length) p.user.additionalGids = flags.additionalGids;
  }
  return validate(p, flags.processFile ? `--process \`${flags.processFile}\`` : 'exec');
}

/** `base` with each NAME=value of `set` replacing the entry of that name, or appended when there is none. */
export function withEnv(base: string[], set: string[]): string[] {
  const out = [...base];
  for (const entry of set) {
    const name = entry.split('=', 1)[0];
    const at = out.findIndex((e) => e.split('=', 1)[0] === name);
    if (at >= 0) out[at] = entry;
    else out.push(entry);
  }
  return out;
}

function parseUser(s: string): { uid: number; gid: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(s);
  if (!m) throw new RuntimeError(`--user \`${s}\`: expected uid[:gid] as numbers`, 'bad-argument');
  return { uid: Number(m[1]), gid: m[2] === undefined ? 0 : Number(m[2]) };
}

function validate(p: Process, what: string): Process {
  if (!Array.isArray(p.args) || p.args.length === 0) throw new RuntimeError(`${what}: no command given (args is empty)`, 'bad-argument', '/args');
  if (!p.cwd) p.cwd = '/';
  if (!p.cwd.startsWith('/')) throw new RuntimeError(`${what}: cwd \`${p.cwd}\` is not an absolute path`, 'bad-argument', '/cwd');
  if (!p.user || typeof p.user.uid !== 'number' || typeof p.user.gid !== 'number') throw new RuntimeError(`${what}: user.uid and user.gid are required`, 'bad-argument', '/user');
  return p;
}
