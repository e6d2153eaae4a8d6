// Compares two runtimes' results by test name, and reruns the differences
// once before calling them real (some tests race, e.g. cgroup v1 freezer
// removal or the sd-notify socket).
//   npx tsx conformance/compare.ts runc berth     (reads results/<name>.json)
import { join } from 'node:path';
import { loadResult, outcomes, type Outcome, type SuiteResult } from './results';
import { RESULTS_DIR } from './run-suite';
import { runProgram } from './run-program';
import type { RuntimeUnderTest } from './suite';

export interface Difference {
  /** Tests `ref` passes and `other` does not (fails, skips or never ran). */
  onlyRef: string[];
  /** Tests `other` passes and `ref` does not. */
  onlyOther: string[];
}

export function difference(ref: SuiteResult, other: SuiteResult): Difference {
  const a = outcomes(ref);
  const b = outcomes(other);
  const passes = (m: Map<string, Outcome>, n: string) => m.get(n) === 'pass';
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  return {
    onlyRef: names.filter((n) => passes(a, n) && !passes(b, n)),
    onlyOther: names.filter((n) => passes(b, n) && !passes(a, n)),
  };
}

/** "delete/simple-delete" → ["test_delete.py", "simple-delete"]. */
export function splitName(name: string): [program: string, test: string] {
  const i = name.indexOf('/');
  return [`test_${name.slice(0, i)}.py`, name.slice(i + 1)];
}

/**
 * Runs the named tests again (grouped per program; a "(program)" entry reruns
 * its whole program) and records the new outcomes into `into`.
 */
export async function rerun(rt: RuntimeUnderTest, names: string[], into: SuiteResult, timeoutMs = 60_000): Promise<void> {
  const byProgram = new Map<string, string[] | undefined>();
  for (const n of names) {
    const [program, test] = splitName(n);
    if (test === '(program)' || byProgram.get(program) === undefined && byProgram.has(program)) byProgram.set(program, undefined);
    else byProgram.set(program, [...(byProgram.get(program) ?? []), test]);
  }
  for (const [program, only] of byProgram) {
    const r = await runProgram(program, rt, { timeoutMs, outDir: join(RESULTS_DIR, `${rt.name}-rerun`), only });
    const target = into.programs.find((p) => p.program === program);
    if (!target) continue;
    if (!only) target.tests = {};
    Object.assign(target.tests, r.tests);
    if (only) delete target.tests[`${program.replace(/^test_/, '').replace(/\.py$/, '')}/(program)`];
  }
}

function main(): void {
  const [ref, other] = process.argv.slice(2);
  if (!ref || !other) throw new Error('usage: compare.ts REF OTHER (names of results/<name>.json)');
  const a = loadResult(join(RESULTS_DIR, `${ref}.json`));
  const b = loadResult(join(RESULTS_DIR, `${other}.json`));
  const d = difference(a, b);
  console.log(`${ref} passes, ${other} does not (${d.onlyRef.length}):`);
  for (const n of d.onlyRef) console.log(`  ${n}  (${other}: ${outcomes(b).get(n) ?? 'not run'})`);
  console.log(`${other} passes, ${ref} does not (${d.onlyOther.length}):`);
  for (const n of d.onlyOther) console.log(`  ${n}  (${ref}: ${outcomes(a).get(n) ?? 'not run'})`);
}

if (require.main === module) main();
