// CLI: runc's own bats tests against named runtimes, then a side-by-side table.
//   npx tsx conformance/run-bats.ts runc berth [--files exec,kill] [--filter REGEX] [--timeout 60]
// A runtime is runc, crun, berth (dist/berth, or $BERTH_BIN) or a path.
// Results: .cache/conformance/results-bats/<runtime>.json and <runtime>/<file>.tap
import { batsRuntime, runBats, sideBySide, type BatsResult } from './runc-bats';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runtimes: string[] = [];
  let files: string[] | undefined;
  let filter: string | undefined;
  let testTimeoutS: number | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--files') files = args[++i].split(',').map((f) => (f.endsWith('.bats') ? f : `${f}.bats`));
    else if (args[i] === '--filter') filter = args[++i];
    else if (args[i] === '--timeout') testTimeoutS = Number(args[++i]);
    else runtimes.push(args[i]);
  }
  if (runtimes.length === 0) throw new Error('usage: run-bats.ts RUNTIME... [--files a,b] [--filter REGEX] [--timeout SECONDS]');
  const results: BatsResult[] = [];
  for (const r of runtimes) results.push(await runBats(batsRuntime(r), { files, filter, testTimeoutS, log: (l) => console.log(l) }));
  console.log(sideBySide(results));
}

main().catch((e) => {
  console.error(`runc-bats: ${(e as Error).message}`);
  process.exit(1);
});
