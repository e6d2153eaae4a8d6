// The stages run node from a detached read-only mount (helper/runtime/stage-image.ts):
// nothing in a container can reach the host's node binary for writing through
// /proc/<stage>/exe (runc's CVE-2019-5736 with node in runc's place).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readOnlyImage } from '../../helper/runtime/stage-image';
import { makeBundle } from '../fixtures/bundle';
import { ensureBuilt, Runner, until } from './harness';

/** statvfs(2)'s ST_RDONLY for the mount a path lives on (Node's statfs has no flags; python3 is in .ci/run). */
function onReadOnlyMount(path: string): boolean {
  const x = spawnSync('python3', ['-c', 'import os,sys; print(os.statvfs(sys.argv[1]).f_flag & 1)', path], { encoding: 'utf8' });
  assert.equal(x.status, 0, x.stderr);
  return x.stdout.trim() === '1';
}

function errorCode(f: () => void): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
}

describe('stage image', () => {
  let r: Runner;
  before(() => {
    ensureBuilt();
    r = new Runner();
  });
  after(() => r.cleanup());

  test('a created init runs node from a read-only mount, is named berth:init, and holds no fd of the image', () => {
    const b = makeBundle(['true']);
    try {
      const x = r.run(['create', '-b', b.dir, 'img']);
      assert.equal(x.status, 0, x.stderr);
      const pid = r.state('img').pid;
      const exe = `/proc/${pid}/exe`;
      const node = statSync(process.execPath);
      const image = statSync(exe);
      assert.deepEqual([image.dev, image.ino], [node.dev, node.ino], 'the init runs this node');
      assert.equal(onReadOnlyMount(exe), true, 'its exe is on a read-only mount');
      assert.equal(onReadOnlyMount(process.execPath), false, 'while the host binary is not (else this test proves nothing)');
      assert.equal(readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), 'berth:init');
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const s = errorCode(() => statSync(`/proc/${pid}/fd/${fd}`)) ? undefined : statSync(`/proc/${pid}/fd/${fd}`);
        assert.ok(!s || s.ino !== node.ino || s.dev !== node.dev, `fd ${fd} of the init is the node image`);
      }
    } finally {
      r.run(['delete', '--force', 'img']);
      b.cleanup();
    }
  });

  test('through the image, a binary cannot be reopened for writing once it has stopped; the host file can', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-image-'));
    const copy = join(dir, 'sleep');
    copyFileSync('/bin/sleep', copy);
    const fd = readOnlyImage(copy);
    try {
      // Started as the stages are: exec /proc/self/fd/<slot> with the image at that slot.
      const child = spawn('/proc/self/fd/3', ['30'], { stdio: ['ignore', 'ignore', 'ignore', fd], argv0: 'sleep' });
      await until(() => errorCode(() => statSync(`/proc/${child.pid}/exe`)) === undefined && statSync(`/proc/${child.pid}/exe`).ino === statSync(copy).ino, 5000, 'the child to run the image');
      // What an attacker in the container keeps: an O_PATH fd of /proc/<stage>/exe.
      const held = openSync(`/proc/${child.pid}/exe`, 0o10000000 /* O_PATH */);
      assert.equal(onReadOnlyMount(`/proc/${child.pid}/exe`), true);
      child.kill('SIGKILL');
      await new Promise((res) => child.once('exit', res));
      assert.equal(errorCode(() => closeSync(openSync(`/proc/self/fd/${held}`, 'r+'))), 'EROFS');
      closeSync(held);
      assert.equal(errorCode(() => closeSync(openSync(copy, 'r+'))), undefined, 'the same file through its host path is writable');
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
