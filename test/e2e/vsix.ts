// Packaging the extension for the end-to-end tests: the build, then vsce
// (whose vscode:prepublish adds the other architecture's koffi addon), into
// `out`. Returns the .vsix's size and its file list.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PROJECT = resolve(__dirname, '../..');

export function packageVsix(out: string): { bytes: number; files: string[] } {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: PROJECT, encoding: 'utf8' });
  assert.equal(build.status, 0, `node esbuild.mjs: ${build.stderr}`);
  const vsce = spawnSync(join(PROJECT, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: PROJECT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(vsce.status, 0, `vsce package: ${vsce.stdout}${vsce.stderr}`);
  return { bytes: statSync(out).size, files: zipNames(readFileSync(out)).filter((f) => f.startsWith('extension/')).sort() };
}

/** The names in a zip's central directory (no unzip on a fresh machine). */
export function zipNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'no end of central directory: not a zip');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const [nameLen, extraLen, commentLen] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}
