#!/usr/bin/env node
// Puts koffi's native addon for every platform Berth ships (linux-x64 and
// linux-arm64, glibc; esbuild.mjs's KOFFI_ADDONS) into dist/koffi/, so the
// .vsix and the npm package run on both. `npm ci` installs only the host's
// (@koromix/koffi-<host> is an optional dependency for one cpu); the others
// are fetched with `npm pack` at the version package-lock.json pins, their
// tarball checked against the lock's integrity, and kept in .cache/koffi/.
// Run by `npm run package` and `npm pack` (prepack) after the build.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PROJECT = resolve(import.meta.dirname, '..');
const ADDONS = { 'linux-x64': 'linux_x64', 'linux-arm64': 'linux_arm64' };
const lock = JSON.parse(readFileSync(join(PROJECT, 'package-lock.json'), 'utf8'));

for (const [pkg, dir] of Object.entries(ADDONS)) {
  const name = `@koromix/koffi-${pkg}`;
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry) throw new Error(`package-lock.json has no ${name}`);
  const out = join(PROJECT, 'dist/koffi', dir, 'koffi.node');
  const installed = join(PROJECT, 'node_modules', name, dir, 'koffi.node');
  const cached = join(PROJECT, '.cache/koffi', entry.version, dir, 'koffi.node');
  mkdirSync(join(PROJECT, 'dist/koffi', dir), { recursive: true });
  if (existsSync(installed)) {
    copyFileSync(installed, out);
    continue;
  }
  if (!existsSync(cached)) {
    const tmp = join(PROJECT, '.cache/koffi', `${entry.version}.tmp`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const packed = JSON.parse(execFileSync('npm', ['pack', `${name}@${entry.version}`, '--json', '--pack-destination', tmp], { cwd: tmp, encoding: 'utf8' }));
    const tgz = join(tmp, packed[0].filename);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
    if (integrity !== entry.integrity) throw new Error(`${name}@${entry.version}: tarball integrity ${integrity} is not package-lock.json's ${entry.integrity}`);
    execFileSync('tar', ['-xzf', tgz, '-C', tmp, `package/${dir}/koffi.node`]);
    mkdirSync(join(PROJECT, '.cache/koffi', entry.version, dir), { recursive: true });
    copyFileSync(join(tmp, 'package', dir, 'koffi.node'), cached);
    rmSync(tmp, { recursive: true, force: true });
  }
  copyFileSync(cached, out);
}
console.log(`koffi addons in dist/koffi: ${Object.values(ADDONS).join(', ')}`);
