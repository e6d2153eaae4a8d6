// The CLI on its own: `npm pack` (its prepack builds dist/ and adds both
// koffi addons; .npmignore picks the files) gives berth-<version>.tgz
// holding the runtime only, and
// `npm install -g --prefix <tmp> ./berth-<version>.tgz` puts a working
// `berth` in <tmp>/bin: --version says the package's version, `spec`
// writes a config.json, and, as root, `run` starts a busybox container,
// which loads koffi's addon from the installed package (no checkout, no
// node_modules of ours). Dependencies come from npm's cache when it has
// them (--prefer-offline).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { makeBundle } from '../fixtures/bundle';

const PROJECT = resolve(__dirname, '../..');

test('npm pack → npm install -g --prefix <tmp> → <tmp>/bin/berth --version, spec, run', { timeout: 180_000 }, (t) => {
  const { version } = JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8')) as { version: string };
  const dir = mkdtempSync(join(tmpdir(), 'berth-pack-'));
  const bundle = makeBundle(['echo', 'hello from the npm package']);
  t.after(() => {
    bundle.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  // npm test's own npm_config_* would steer the inner npm (its prefix, its cwd); start it clean.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const npm = (args: string[], cwd: string) => {
    const t0 = Date.now();
    const r = spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, env, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    t.diagnostic(`npm ${args[0]}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return r.stdout;
  };

  const tgz = npm(['pack', '--pack-destination', dir], PROJECT).trim().split('\n').pop()!;
  assert.equal(tgz, `berth-${version}.tgz`);
  const files = spawnSync('tar', ['-tzf', join(dir, tgz)], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
  assert.deepEqual(files, [
    'package/README.md',
    'package/dist/berth',
    'package/dist/berthd.js',
    'package/dist/exec.js',
    'package/dist/init.js',
    'package/dist/koffi/linux_arm64/koffi.node',
    'package/dist/koffi/linux_x64/koffi.node',
    'package/package.json',
  ]);

  const prefix = join(dir, 'prefix');
  npm(['install', '-g', '--prefix', prefix, '--prefer-offline', `./${tgz}`], dir);
  const berth = join(prefix, 'bin/berth');
  const ver = spawnSync(berth, ['--version'], { encoding: 'utf8', env });
  assert.equal(ver.status, 0, ver.stderr);
  assert.equal(ver.stdout.split('\n')[0], `berth version ${version}`);
  const work = join(dir, 'spec');
  spawnSync('mkdir', [work]);
  const spec = spawnSync(berth, ['spec'], { cwd: work, encoding: 'utf8', env });
  assert.equal(spec.status, 0, spec.stderr);
  assert.equal((JSON.parse(readFileSync(join(work, 'config.json'), 'utf8')) as { ociVersion: string }).ociVersion.split('.')[0], '1');

  if (process.getuid?.() !== 0) return t.diagnostic('run step skipped: needs root');
  const root = join(dir, 'state');
  const run = spawnSync(berth, ['--root', root, 'run', '--bundle', bundle.dir, `pack-${process.pid}`], { encoding: 'utf8', env, timeout: 30_000 });
  assert.equal(run.status, 0, `berth run: ${run.stdout}${run.stderr}`);
  assert.match(run.stdout, /hello from the npm package/);
  assert.ok(!existsSync(join(root, `pack-${process.pid}`)) || spawnSync(berth, ['--root', root, 'delete', '--force', `pack-${process.pid}`]).status === 0);
});
