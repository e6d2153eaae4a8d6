// Runs crun's test programs one after another against one runtime and
// returns (and saves) the outcome of every test by name.
import { join } from 'node:path';
import type { SuiteResult } from './results';
import { counts, saveResult } from './results';
import { runProgram } from './run-program';
import { suiteCgroups, sweepSuiteCgroups } from './cleanup';
import { pidsHaveFiveDigits } from './host';
import { allPrograms, CACHE, ensureSuite, runtimeVersion, type RuntimeUnderTest } from './suite';

export interface SuiteOptions {
  /** Program file names (test_*.py); default every one. */
  programs?: string[];
  /** Per attempt of a program; default 60 s. */
  timeoutMs?: number;
  /** Results go to <outDir>/<runtime>/ and <outDir>/<runtime>.json. */
  outDir?: string;
  /** Per-program progress lines. */
  log?: (line: string) => void;
}

export const RESULTS_DIR = join(CACHE, 'results');

export async function runSuite(rt: RuntimeUnderTest, opts: SuiteOptions = {}): Promise<SuiteResult> {
  ensureSuite();
  const outDir = opts.outDir ?? RESULTS_DIR;
  const programs = opts.programs ?? allPrograms();
  const t0 = Date.now();
  const cgroupsBefore = new Set(suiteCgroups());
  const lowPid = pidsHaveFiveDigits();
  if (lowPid !== undefined) opts.log?.(`pids were at ${lowPid}: moved the pid counter to 10000 (crun's exec_write_pid_file wants five digits)`);
  const result: SuiteResult = { runtime: rt.name, runtimePath: rt.path, version: runtimeVersion(rt), programs: [], seconds: 0 };
  for (const program of programs) {
    const p = await runProgram(program, rt, { timeoutMs: opts.timeoutMs ?? 60_000, outDir: join(outDir, rt.name) });
    result.programs.push(p);
    const c = { pass: 0, fail: 0, skip: 0 };
    for (const o of Object.values(p.tests)) c[o]++;
    const extra = [p.timedOut ? 'TIMED OUT' : '', p.leftovers.length ? `cleaned ${p.leftovers.length} leftovers` : ''].filter(Boolean).join(', ');
    opts.log?.(`${rt.name} ${program.padEnd(28)} ${String(c.pass).padStart(3)} pass ${String(c.fail).padStart(3)} fail ${String(c.skip).padStart(3)} skip ${p.seconds.toFixed(1).padStart(6)} s${extra ? '  ' + extra : ''}`);
  }
  const swept = sweepSuiteCgroups(cgroupsBefore);
  if (swept.length) opts.log?.(`${rt.name}: removed ${swept.length} cgroups its programs left behind`);
  result.seconds = (Date.now() - t0) / 1000;
  saveResult(join(outDir, `${rt.name}.json`), result);
  const c = counts(result);
  opts.log?.(`${rt.name}: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped in ${result.seconds.toFixed(0)} s`);
  return result;
}
