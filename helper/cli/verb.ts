// What each verb file exports: its flags (util.parseArgs), its help text and
// the function that runs it. Verb files only parse and call the runtime.
import type { ParseArgsConfig } from 'node:util';
import type { RuntimeContext } from '../runtime/api';

export interface Globals {
  root: string;
  debug: boolean;
  ctx: RuntimeContext;
}

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Verb {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Number of positional arguments: [min, max]. */
  positionals: [number, number];
  run(values: Values, positionals: string[], g: Globals): Promise<number>;
  /** Flags stop after this many positionals: the rest is a command line of its own (exec), as runc's SkipArgReorder. */
  commandAfter?: number;
  /** Everything after this many positionals is passed on untouched, dashes and all (ps: `ps <id> -e -x`, as runc's). */
  restAfter?: number;
}

/**
 * Where the `n`-th positional (1-based) sits in args, skipping flags and the
 * values of value-taking flags; -1 when there are fewer, or a `--` comes first.
 */
function positionalAt(args: string[], options: Verb['options'], n: number): number {
  let seen = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return -1;
    if (a.startsWith('-') && a !== '-') {
      const name = a.replace(/^--?/, '').split('=')[0];
      const opt = options[name] ?? Object.values(options).find((o) => o.short === name);
      // A value-taking flag without `=` consumes the next word (short flags are single letters here).
      if (opt?.type === 'string' && !a.includes('=')) i++;
      continue;
    }
    if (++seen === n) return i;
  }
  return -1;
}

const insertEnd = (args: string[], at: number) => (at < 0 || at >= args.length || args[at] === '--' ? args : [...args.slice(0, at), '--', ...args.slice(at)]);

/** Inserts `--` right after the `positionals`-th positional (ps: `ps <id> -e -x`), unless a `--` comes first. */
export function restAfter(args: string[], options: Verb['options'], positionals: number): string[] {
  const at = positionalAt(args, options, positionals);
  return at < 0 ? args : insertEnd(args, at + 1);
}

/** Inserts `--` before the positional that starts the command, so its own dashes are not taken for ours. */
export function endFlagsAt(args: string[], options: Verb['options'], positionals: number): string[] {
  return insertEnd(args, positionalAt(args, options, positionals + 1));
}

/**
 * A value-taking flag takes the next word as its value whatever it looks
 * like, as runc's (Go's) flag parsing does: `--memory-swap -1`,
 * `--cpu-quota -1`. util.parseArgs refuses a value that starts with a dash
 * as ambiguous, so such pairs are joined as `--name=value` (before `--`).
 */
export function joinFlagValues(args: string[], options: Verb['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return [...out, ...args.slice(i)];
    const m = /^(--?)([^=]+)$/.exec(a);
    const name = m ? (m[1] === '--' ? m[2] : Object.keys(options).find((k) => options[k].short === m[2])) : undefined;
    if (name !== undefined && (m![1] === '--' || m![2].length === 1) && options[name]?.type === 'string' && i + 1 < args.length && args[i + 1].startsWith('-')) {
      out.push(`--${name}=${args[++i]}`);
      continue;
    }
    out.push(a);
  }
  return out;
}

export class UsageError extends Error {}

/**
 * An error that makes the CLI exit with `status` instead of 1 (runc exits
 * 255 when exec cannot start its process). The message is logged as usual.
 */
export class ExitStatusError extends Error {
  constructor(
    readonly original: unknown,
    readonly status: number,
  ) {
    super(original instanceof Error ? original.message : String(original));
  }
}
