// Reads the TAP that each crun test program prints through run_all_tests():
//   1..N
//   ok 3 - name            pass
//   ok 4 - name #SKIP      skip (the test returned 77)
//   not ok 5 - name        fail
import type { Outcome } from './results';

export interface Tap {
  planned: number | undefined;
  tests: { name: string; outcome: Outcome }[];
}

const LINE = /^(ok|not ok)\s+\d+\s+-\s+(.*?)(\s+#\s*SKIP.*)?$/i;

export function parseTap(text: string): Tap {
  const tap: Tap = { planned: undefined, tests: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const plan = /^1\.\.(\d+)/.exec(line);
    if (plan) {
      tap.planned = Number(plan[1]);
      continue;
    }
    const m = LINE.exec(line);
    if (!m) continue;
    const outcome: Outcome = m[3] ? 'skip' : m[1] === 'ok' ? 'pass' : 'fail';
    tap.tests.push({ name: m[2], outcome });
  }
  return tap;
}
