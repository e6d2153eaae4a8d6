// The one test command (`npm test`): build, typecheck, lint, then every
// *.test.ts under test/ with Node's test runner. Files run one at a time
// because the integration tests make real namespaces, mounts and cgroups
// as root. `node test/run.mjs <substring>` runs only matching files and
// skips the build/typecheck/lint steps.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv.slice(2);

function step(name, cmd, args) {
  const t0 = Date.now();
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  console.log(`== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

if (filter.length === 0) {
  // On a fresh machine (after scripts/demo.sh), the Debian packages the tests drive.
  step('dependencies', 'scripts/test-deps.sh', []);
  step('build', 'node', ['esbuild.mjs']);
  step('typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']);
  step('lint', 'npx', ['eslint', '.']);
}

const files = findTests('test').filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)));
step('tests', process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files]);
