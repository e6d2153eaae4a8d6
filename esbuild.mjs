// One build script for every bundle Berth ships. Each entry becomes one file
// in dist/ so that a CLI verb loads a single small script (start-up time is
// the CLI's main cost: see bench/lifecycle). Native addons (koffi) and the
// VS Code API stay external. `node esbuild.mjs --watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';

/** @type {{in: string, out: string, executable?: boolean, external?: string[]}[]} */
const entries = [
  { in: 'helper/cli/main.ts', out: 'berth', executable: true },
  { in: 'helper/init/main.ts', out: 'init.js' },
  { in: 'helper/init/exec-main.ts', out: 'exec.js' },
  { in: 'helper/daemon/main.ts', out: 'berthd.js' },
  { in: 'extension/main.ts', out: 'extension.js', external: ['vscode'] },
  { in: 'extension/server/main.ts', out: 'server.js' },
];

const watch = process.argv.includes('--watch');
mkdirSync('dist', { recursive: true });

const builds = entries
  .filter((e) => existsSync(e.in))
  .map((e) => ({
    entryPoints: [e.in],
    outfile: `dist/${e.out}`,
    bundle: true,
    platform: 'node',
    // ESM entry first: jsonc-parser's `main` is a UMD build whose require('./impl/…')
    // esbuild cannot follow, so a bundle using it would fail at load time.
    mainFields: ['module', 'main'],
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    legalComments: 'none',
    external: ['koffi', ...(e.external ?? [])],
    banner: e.executable ? { js: '#!/usr/bin/env node' } : undefined,
    logLevel: 'warning',
  }));

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  for (const e of entries) if (e.executable && existsSync(`dist/${e.out}`)) chmodSync(`dist/${e.out}`, 0o755);
}
