// The console's scrollback on disk: output gathered for FLUSH_MS reaches the
// file in one write, a flood keeps exactly the last `cap` bytes readable
// (and no more than two files' worth on disk), and close writes what waits.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FLUSH_MS, ScrollbackFile } from '../../helper/daemon/scrollbackFile';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-scrollback-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('appended output is on disk after FLUSH_MS, and close writes what is still waiting', withDir(async (dir) => {
  const path = join(dir, 'console.scrollback');
  const f = new ScrollbackFile(path, 1024);
  f.append(Buffer.from('one '));
  f.append(Buffer.from('two '));
  assert.equal(statSync(path).size, 0, 'nothing written before the flush');
  await sleep(FLUSH_MS * 3);
  assert.equal(readFileSync(path, 'utf8'), 'one two ');
  f.append(Buffer.from('three'));
  f.close();
  assert.equal(ScrollbackFile.read(path, 1024).toString(), 'one two three');
}));

test('a flood keeps the last cap bytes in order, bounded to two files', withDir(async (dir) => {
  const path = join(dir, 'console.scrollback');
  const cap = 4096;
  const f = new ScrollbackFile(path, cap);
  let all = '';
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 300; i++) {
      const line = `r${round}-line-${i}\n`;
      all += line;
      f.append(Buffer.from(line));
    }
    await sleep(FLUSH_MS * 2);
  }
  f.close();
  const kept = ScrollbackFile.read(path, cap).toString();
  assert.equal(kept, all.slice(-cap), 'exactly the last cap bytes, oldest first');
  const onDisk = statSync(path).size + statSync(`${path}.1`).size;
  assert.ok(onDisk <= 2 * cap, `${onDisk} bytes on disk for a cap of ${cap}`);
}));
