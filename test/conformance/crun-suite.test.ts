// crun's own test suite (Debian's crun source package) against runc and
// berth in the same run. Two gates: every test runc passes must pass for
// berth too (compared by name), except the deliberate differences listed in
// conformance/berth-differs.txt; and berth must keep passing every test in
// conformance/berth-passes.txt (which also holds tests runc fails), so a
// regression fails CI. Differences are rerun once before they count (some
// tests race on this machine). BERTH_CONFORMANCE_PROGRAMS=test_pid.py,…
// narrows the run; BERTH_CONFORMANCE_STRICT=0 drops the runc comparison
// (for bisecting with a berth build that predates it).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { difference, rerun } from '../../conformance/compare';
import { suiteCgroups, sweepSuiteCgroups } from '../../conformance/cleanup';
import { counts, outcomes, readNameList, type SuiteResult } from '../../conformance/results';
import { runSuite } from '../../conformance/run-suite';
import { declaredTests } from '../../conformance/run-program';
import { allPrograms, ensureSuite, REPO, runtimeNamed, testName } from '../../conformance/suite';

/** Per attempt of a program: runc hangs in seccomp-listener, and a hang costs this much. */
const TIMEOUT_MS = 40_000;
/** runc passed 75 here (Debian runc 1.1.5); far fewer means the harness broke, not runc. */
const RUNC_MIN_PASSES = 60;

const summary = (r: SuiteResult) => {
  const c = counts(r);
  return `${r.runtime} (${r.version}): ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped in ${r.seconds.toFixed(0)} s`;
};

test('crun suite: berth passes every test in conformance/berth-passes.txt and every test runc passes (but the listed deliberate differences); the difference is printed', { timeout: 15 * 60_000 }, async (t) => {
  ensureSuite();
  // Reruns go program by program, outside runSuite's own sweep: sweep once more at the end.
  const cgroupsBefore = new Set(suiteCgroups());
  t.after(() => sweepSuiteCgroups(cgroupsBefore));
  const programs = process.env.BERTH_CONFORMANCE_PROGRAMS?.split(',') ?? allPrograms();
  const baseline = readNameList(join(REPO, 'conformance/berth-passes.txt'));
  // A baseline name that the suite does not declare is a typo, not a pass.
  const declared = new Set(allPrograms().flatMap((p) => declaredTests(p).map((t) => testName(p, t))));
  assert.deepEqual(baseline.filter((n) => !declared.has(n)), [], 'conformance/berth-passes.txt names tests the suite does not have');

  const log = (l: string) => console.log(`  ${l}`);
  const runc = await runSuite(runtimeNamed('runc'), { programs, timeoutMs: TIMEOUT_MS, log });
  const berthRt = runtimeNamed('berth');
  const berth = await runSuite(berthRt, { programs, timeoutMs: TIMEOUT_MS, log });

  // Rerun once what berth failed but runc passed, and baseline tests berth failed.
  const inRun = (n: string) => programs.includes(`test_${n.split('/')[0]}.py`);
  const suspect = new Set([...difference(runc, berth).onlyRef, ...baseline.filter((n) => inRun(n) && outcomes(berth).get(n) !== 'pass')]);
  if (suspect.size > 0) {
    log(`rerunning ${suspect.size} berth failures once: ${[...suspect].join(' ')}`);
    await rerun(berthRt, [...suspect], berth, TIMEOUT_MS);
  }

  const after = outcomes(berth);
  const diff = difference(runc, berth);
  console.log(`  ${summary(runc)}\n  ${summary(berth)}`);
  console.log(`  runc passes, berth does not (${diff.onlyRef.length}):${diff.onlyRef.map((n) => `\n    ${n} (${after.get(n) ?? 'not run'})`).join('')}`);
  console.log(`  berth passes, runc does not (${diff.onlyOther.length}):${diff.onlyOther.map((n) => `\n    ${n}`).join('')}`);
  const newly = [...after].filter(([n, o]) => o === 'pass' && !baseline.includes(n)).map(([n]) => n);
  if (newly.length) console.log(`  berth passes tests not yet in conformance/berth-passes.txt (add them): ${newly.join(' ')}`);

  assert.ok(counts(runc).pass >= RUNC_MIN_PASSES || programs.length < allPrograms().length, `runc passed only ${counts(runc).pass} tests (${RUNC_MIN_PASSES}+ expected): the harness is broken`);
  const regressions = baseline.filter((n) => inRun(n) && after.get(n) !== 'pass');
  assert.deepEqual(regressions, [], 'berth fails tests it is known to pass (conformance/berth-passes.txt); logs in .cache/conformance/results/berth/');
  if (process.env.BERTH_CONFORMANCE_STRICT !== '0') {
    const accepted = new Set(readNameList(join(REPO, 'conformance/berth-differs.txt')));
    assert.deepEqual(diff.onlyRef.filter((n) => !accepted.has(n)), [], 'berth fails tests that runc passes');
  }
});
