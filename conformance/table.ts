// Prints a markdown table of pass/fail/skip per program for the runtimes
// named, from .cache/conformance/results/<name>.json.
//   npx tsx conformance/table.ts crun runc berth
import { join } from 'node:path';
import { loadResult, type Outcome } from './results';
import { RESULTS_DIR } from './run-suite';

const names = process.argv.slice(2);
const results = names.map((n) => loadResult(join(RESULTS_DIR, `${n}.json`)));
const programs = [...new Set(results.flatMap((r) => r.programs.map((p) => p.program)))].sort();
const cell = (tests: Record<string, Outcome> | undefined) => {
  if (!tests) return '—';
  const c = { pass: 0, fail: 0, skip: 0 };
  for (const o of Object.values(tests)) c[o]++;
  return `${c.pass} / ${c.fail} / ${c.skip}`;
};
console.log(`| program | ${names.map((n) => `${n} pass / fail / skip`).join(' | ')} |`);
console.log(`|---|${names.map(() => '---').join('|')}|`);
for (const p of programs) console.log(`| ${p} | ${results.map((r) => cell(r.programs.find((x) => x.program === p)?.tests)).join(' | ')} |`);
