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
}

export class UsageError extends Error {}
