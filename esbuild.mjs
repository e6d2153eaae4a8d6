// One build script for every bundle Berth ships. Each entry becomes one file
// in dist/ so that a CLI verb loads a single small script (start-up time is
// the CLI's main cost: see bench/lifecycle). Native addons (koffi) and the
// VS Code API stay external. `node esbuild.mjs --watch` rebuilds on change.
//
// The runtime bundles (berth, init.js, exec.js, berthd.js) carry koffi's
// JavaScript and load its native addon from dist/koffi/<platform>_<arch>/
// koffi.node beside them (see koffiAddonPlugin), so dist/ runs on its own:
// from a checkout, from the installed extension's folder, from berthd's
// root-owned copy (/usr/local/lib/berth/<version>) and from the npm package.
// This build copies the host's addon there; scripts/koffi-addons.mjs adds
// the other architecture before packaging.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** @type {{in: string, out: string, executable?: boolean, external?: string[], koffi?: 'bundled'}[]} */
const entries = [
  { in: 'helper/cli/main.ts', out: 'berth', executable: true, koffi: 'bundled' },
  { in: 'helper/init/main.ts', out: 'init.js', koffi: 'bundled' },
  { in: 'helper/init/exec-main.ts', out: 'exec.js', koffi: 'bundled' },
  { in: 'helper/daemon/main.ts', out: 'berthd.js', koffi: 'bundled' },
  { in: 'extension/main.ts', out: 'extension.js', external: ['vscode'] },
  { in: 'extension/server/main.ts', out: 'server.js' },
];

/** The platforms whose koffi addon Berth ships: directory under dist/koffi/ by koffi's package name. */
export const KOFFI_ADDONS = { 'linux-x64': 'linux_x64', 'linux-arm64': 'linux_arm64' };

/**
 * koffi's loader (src/static.cjs) requires `@koromix/koffi-<platform>-<arch>`
 * in a try block for every platform it knows. In a bundle, the two Berth
 * ships become a require of dist/koffi/<dir>/koffi.node relative to the
 * bundle (`__dirname` is the bundle's own directory in CommonJS output); the
 * others throw, as a missing package does, and koffi reports it cannot find
 * its module. Only glibc builds are shipped (not musl).
 * @type {esbuild.Plugin}
 */
const koffiAddonPlugin = {
  name: 'koffi-addon',
  setup(build) {
    build.onResolve({ filter: /^@koromix\/koffi-/ }, (a) => ({ path: a.path, namespace: 'koffi-addon' }));
    build.onLoad({ filter: /.*/, namespace: 'koffi-addon' }, (a) => {
      const dir = KOFFI_ADDONS[a.path.replace('@koromix/koffi-', '')];
      return {
        loader: 'js',
        contents: dir
          ? `module.exports = require(require('node:path').join(__dirname, 'koffi', ${JSON.stringify(dir)}, 'koffi.node'));`
          : `throw new Error(${JSON.stringify(`Berth ships no koffi addon for ${a.path}`)});`,
      };
    });
  },
};

/** Copies the host's koffi addon into dist/koffi/ (the bundles load it from there). */
function copyHostAddon() {
  const pkg = `${process.platform}-${process.arch}`;
  const dir = KOFFI_ADDONS[pkg];
  if (!dir) return;
  const req = createRequire(import.meta.url);
  let from;
  try {
    from = join(dirname(req.resolve(`@koromix/koffi-${pkg}/package.json`)), dir, 'koffi.node');
  } catch {
    console.warn(`esbuild.mjs: @koromix/koffi-${pkg} is not installed (npm ci); dist/koffi/${dir}/koffi.node not copied`);
    return;
  }
  mkdirSync(`dist/koffi/${dir}`, { recursive: true });
  copyFileSync(from, `dist/koffi/${dir}/koffi.node`);
}

/**
 * Node 20 parses the certificates NODE_EXTRA_CA_CERTS names before V8
 * starts (~30 ms of every start-up on this kind of host; Node 22 loads them
 * lazily). Berth's runtime makes no TLS connection, so its launcher drops the
 * variable (coreutils env -S -u), and the other runtime bundles (berthd.js,
 * init.js, exec.js) delete it first thing, so that what they start (berthd's
 * re-execution under its Node flags, hooks that are Node scripts) does not pay it.
 */
const LAUNCHER = '#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node';
// "use strict" first: a banner statement before esbuild's own would end the directive prologue.
const DROP_CA_CERTS = '"use strict";delete process.env.NODE_EXTRA_CA_CERTS;';

const watch = process.argv.includes('--watch');
/** `berth --version` says package.json's version (helper/cli/main.ts reads BERTH_VERSION when defined). */
const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
mkdirSync('dist', { recursive: true });
copyHostAddon();

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
    external: [...(e.koffi === 'bundled' ? [] : ['koffi']), ...(e.external ?? [])],
    plugins: e.koffi === 'bundled' ? [koffiAddonPlugin] : [],
    define: e.out === 'berth' ? { BERTH_VERSION: JSON.stringify(version) } : undefined,
    banner: e.executable ? { js: LAUNCHER } : e.koffi === 'bundled' ? { js: DROP_CA_CERTS } : undefined,
    logLevel: 'warning',
  }));

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  for (const e of entries) if (e.executable && existsSync(`dist/${e.out}`)) chmodSync(`dist/${e.out}`, 0o755);
}
