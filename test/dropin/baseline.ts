// How the drop-in tests judge berth while it cannot yet pass every step:
// berth must pass every step listed in berth-passes.txt (so a regression
// fails CI), and every other step's failure is printed with its reason.
// When a step starts passing, add it to the list.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StepResult } from './scenario';

/** dist/berth, or BERTH_BIN (e.g. a build of another commit). */
export const BERTH = process.env.BERTH_BIN ?? resolve(__dirname, '../../dist/berth');
const LIST = join(__dirname, 'berth-passes.txt');

export function berthBaseline(): string[] {
  return readFileSync(LIST, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** Prints every step; returns the baseline steps berth failed (must be empty). */
export function judgeBerth(results: StepResult[]): { regressions: StepResult[]; newlyPassing: string[] } {
  const baseline = new Set(berthBaseline());
  for (const r of results) console.log(`  berth ${r.ok ? 'PASS' : 'FAIL'} ${r.name}${r.ok ? '' : ` — ${r.detail}`}`);
  return {
    regressions: results.filter((r) => !r.ok && baseline.has(r.name)),
    newlyPassing: results.filter((r) => r.ok && !baseline.has(r.name)).map((r) => r.name),
  };
}

/** Why berth cannot even be tried, or undefined when dist/berth exists. */
export function berthMissing(): string | undefined {
  return existsSync(BERTH) ? undefined : `${BERTH} does not exist (run node esbuild.mjs; helper/cli/main.ts must exist)`;
}

/**
 * Runs the scenario with runc, where every step must pass (that checks the
 * harness), then with berth, judged against the committed baseline.
 */
export function runcThenBerth(scenario: (runtime: string) => StepResult[]): void {
  for (const r of scenario('/usr/sbin/runc')) assert.ok(r.ok, `with runc, ${r.name}: ${r.detail}`);
  const missing = berthMissing();
  if (missing) {
    assert.equal(berthBaseline().length, 0, `berth's baseline lists steps but ${missing}`);
    console.log(`  berth NOT RUN: ${missing}`);
    return;
  }
  const { regressions, newlyPassing } = judgeBerth(scenario(BERTH));
  if (newlyPassing.length) console.log(`  berth now also passes (add to test/dropin/berth-passes.txt): ${newlyPassing.join(', ')}`);
  assert.deepEqual(regressions.map((r) => `${r.name}: ${r.detail}`), [], 'berth fails drop-in steps it is known to pass');
}
