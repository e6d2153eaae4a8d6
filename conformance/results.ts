// The data the runner writes and the comparer reads: one record per test
// program per runtime. A test is named "<program>/<test>", e.g.
// "delete/simple-delete" for `simple-delete` in tests/test_delete.py, so
// results from different runtimes compare by name.
import { readFileSync, writeFileSync } from 'node:fs';

export type Outcome = 'pass' | 'fail' | 'skip';

export interface ProgramResult {
  /** e.g. "test_delete.py" */
  program: string;
  /** test name → outcome; a program that died or timed out also gets "<program>/(program)": fail. */
  tests: Record<string, Outcome>;
  seconds: number;
  timedOut: boolean;
  exitCode: number | null;
  /** What the cleanup had to remove afterwards (containers the program left behind). */
  leftovers: string[];
}

export interface SuiteResult {
  runtime: string;
  runtimePath: string;
  version: string;
  programs: ProgramResult[];
  seconds: number;
}

export function outcomes(r: SuiteResult): Map<string, Outcome> {
  const m = new Map<string, Outcome>();
  for (const p of r.programs) for (const [name, o] of Object.entries(p.tests)) m.set(name, o);
  return m;
}

export function counts(r: SuiteResult): Record<Outcome, number> {
  const c: Record<Outcome, number> = { pass: 0, fail: 0, skip: 0 };
  for (const o of outcomes(r).values()) c[o]++;
  return c;
}

export function saveResult(path: string, r: SuiteResult): void {
  writeFileSync(path, JSON.stringify(r, null, 2) + '\n');
}

export function loadResult(path: string): SuiteResult {
  return JSON.parse(readFileSync(path, 'utf8')) as SuiteResult;
}

/** Reads a committed name list: one test name a line, `#` starts a comment. */
export function readNameList(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}
