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
}

/** Inserts `--` before the positional that starts the command, so its own dashes are not taken for ours. */
export function endFlagsAt(args: string[], options: Verb['options'], positionals: number): string[] {
  let seen = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return args;
    if (a.startsWith('-') && a !== '-') {
      const name = a.replace(/^--?/, '').split('=')[0];
      const opt = options[name] ?? Object.values(options).find((o) => o.short === name);
      // A value-taking flag without `=` consumes the next word (short flags are single letters here).
      if (opt?.type === 'string' && !a.includes('=')) i++;
      continue;
    }
    if (++seen > positionals) return [...args.slice(0, i), '--', ...args.slice(i)];
  }
  return args;
}

export class UsageError extends Error {}
