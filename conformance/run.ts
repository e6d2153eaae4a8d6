// CLI: run crun's suite against named runtimes and keep the results.
//   npx tsx conformance/run.ts runc crun berth [--programs test_start.py,test_pid.py] [--timeout 120]
// Results: .cache/conformance/results/<runtime>.json and <runtime>/<program>.tap|.log
import { runSuite } from './run-suite';
import { runtimeNamed } from './suite';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runtimes: string[] = [];
  let programs: string[] | undefined;
  let timeoutMs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--programs') programs = args[++i].split(',').map((p) => (p.endsWith('.py') ? p : `test_${p}.py`));
    else if (args[i] === '--timeout') timeoutMs = Number(args[++i]) * 1000;
    else runtimes.push(args[i]);
  }
  if (runtimes.length === 0) throw new Error('usage: run.ts RUNTIME... [--programs a,b] [--timeout SECONDS]');
  for (const r of runtimes) await runSuite(runtimeNamed(r), { programs, timeoutMs, log: (l) => console.log(l) });
}

main().catch((e) => {
  console.error(`conformance: ${(e as Error).message}`);
  process.exit(1);
});
