// runc's own integration tests (bats files from Debian's runc source package,
// conformance/fetch-runc-bats.sh) against runc and berth in the same run, on
// the subset this machine can run (conformance/runc-bats.ts says what is
// excluded and why). The gate: every test runc passes here must pass for
// berth, except the deliberate differences (DELIBERATE), tests of runc's own
// words (RUNC_OWN_WORDS) and the to-do list (KNOWN_FAILURES), each named with its reason in conformance/runc-bats.ts;
// a known failure that berth now passes is printed, to be taken off the list.
// Differences are rerun once (file by file, that test only) before they count.
// It runs gateFiles(): the subset minus GATE_LEAVES_OUT (for time, each with
// why); BERTH_BATS_FILES=all runs all 27, BERTH_BATS_FILES=exec,kill those.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allOutcomes, batsFiles, batsRuntime, countOutcomes, declaredBatsTests, DELIBERATE, ensureBats, gateFiles, KNOWN_FAILURES, runBats, runBatsFile, RUNC_OWN_WORDS, sideBySide, type BatsResult } from '../../conformance/runc-bats';

/** runc 1.1.5 passes 114 here (94 in gateFiles()); far fewer means the harness broke, not runc. */
const runcMinPasses = (files: string[]) => (files.length === batsFiles().length ? 100 : files.length === gateFiles().length ? 80 : 0);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test("runc's bats tests: berth passes every test runc passes, but the named deliberate differences and known failures", { timeout: 25 * 60_000 }, async () => {
  ensureBats();
  const named = process.env.BERTH_BATS_FILES;
  const files = named === 'all' ? batsFiles() : (named?.split(',').map((f) => (f.endsWith('.bats') ? f : `${f}.bats`)) ?? gateFiles());
  const declared = new Set(batsFiles().flatMap(declaredBatsTests));
  const accepted = { ...DELIBERATE, ...RUNC_OWN_WORDS, ...KNOWN_FAILURES };
  const listed = Object.keys(accepted);
  assert.deepEqual(listed.filter((n) => !declared.has(n)), [], 'conformance/runc-bats.ts lists tests the subset does not have');

  const log = (l: string) => console.log(`  ${l}`);
  const runc = await runBats(batsRuntime('runc'), { files, log });
  const berthRt = batsRuntime('berth');
  const berth = await runBats(berthRt, { files, log });

  const ref = allOutcomes(runc);
  const got = allOutcomes(berth);
  const differs = () => [...ref].filter(([n, o]) => o === 'pass' && got.get(n) !== 'pass').map(([n]) => n);
  const suspects = differs().filter((n) => !(n in accepted));
  if (suspects.length) log(`rerunning ${suspects.length} berth failures once`);
  for (const n of suspects) {
    const file = n.slice(0, n.indexOf('/'));
    const r = await runBatsFile(berthRt, file, { filter: `^${escapeRe(n.slice(file.length + 1))}$` });
    if (r.tests[n]) got.set(n, r.tests[n]);
  }

  const shown: BatsResult = { ...berth, files: [{ file: '(after reruns)', tests: Object.fromEntries(got), seconds: berth.seconds, timedOut: false, leftovers: [] }] };
  console.log(sideBySide([runc, shown]).replace(/^/gm, '  '));
  const c = countOutcomes(Object.fromEntries(ref));
  assert.ok(c.pass >= runcMinPasses(files), `runc passed only ${c.pass} tests (${runcMinPasses(files)}+ expected): the harness is broken`);

  const failing = differs();
  const unexpected = failing.filter((n) => !(n in accepted));
  assert.deepEqual(unexpected, [], 'berth fails tests that runc passes (logs in .cache/conformance/results-bats/berth/)');
  const inRun = (n: string) => files.includes(n.slice(0, n.indexOf('/')));
  const fixed = Object.keys(KNOWN_FAILURES).filter((n) => inRun(n) && got.get(n) === 'pass');
  if (fixed.length) console.log(`  berth now passes tests listed in KNOWN_FAILURES (take them off the list in conformance/runc-bats.ts):${fixed.map((n) => `\n    ${n}`).join('')}`);
});
