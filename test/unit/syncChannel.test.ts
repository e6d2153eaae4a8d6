// The parent's end of a stage's sync socket (helper/runtime/channel.ts) given
// what a process holding the stage's end may write: a malformed line fails
// that channel (the waiting next() and every later one reject, naming the
// line), and nothing is thrown from the socket's event handler, where it
// once ended berthd for every user.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { MAX_LINE, SyncChannel } from '../../helper/runtime/channel';

/** A connected pair of Unix sockets: the channel on one end, the "stage" writing on the other. */
async function pair(t: TestContext): Promise<{ ch: SyncChannel; parent: Socket; stage: Socket }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sync-'));
  const path = join(dir, 's');
  const accepted = new Promise<Socket>((res) => {
    const server = createServer((s) => {
      server.close();
      res(s);
    }).listen(path);
  });
  const stage = connect(path);
  stage.on('error', () => undefined);
  const parent = await accepted;
  t.after(() => {
    stage.destroy();
    parent.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  return { ch: new SyncChannel(parent, () => 'stage ended'), parent, stage };
}

/** next(), or a rejection saying it did not settle (the old channel left it waiting forever). */
function settled<T>(p: Promise<T>, ms = 2000): Promise<T> {
  return Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`next() did not settle in ${ms} ms`)), ms).unref())]);
}

test('a line that is not JSON rejects the waiting next() and every later one, naming the line; later lines are not read', async (t) => {
  const { ch, parent, stage } = await pair(t);
  const waiting = ch.next();
  stage.write('this is not json\n{"type":"created"}\n');
  await assert.rejects(settled(waiting), /sync channel carried a line that is not JSON, "this is not json"/);
  await assert.rejects(settled(ch.next()), /"this is not json"/);
  await assert.rejects(settled(ch.next()), /"this is not json"/);
  assert.ok(parent.destroyed, 'the parent closed its end');
});

test('messages before a malformed line are read; the malformed one fails next() even with nothing waiting', async (t) => {
  const { ch, stage } = await pair(t);
  stage.write('{"type":"hooks"}\n');
  assert.deepEqual(await settled(ch.next()), { type: 'hooks' });
  stage.write('{"type":"created"}\n{broken\n');
  await new Promise((r) => setTimeout(r, 100));
  // The queued "created" is not handed out after the channel broke: the stage is no longer trusted.
  await assert.rejects(settled(ch.next()), /not JSON, "\{broken"/);
});

test('JSON that is not an object with a string type is malformed too', async (t) => {
  for (const line of ['42', 'null', '[]', '{}', '{"type":7}', '"created"']) {
    const { ch, stage } = await pair(t);
    stage.write(`${line}\n`);
    await assert.rejects(settled(ch.next()), /not a JSON object with a string "type"/, line);
  }
});

test('a long malformed line is quoted cut short; a line past MAX_LINE without its newline fails the channel', async (t) => {
  const first = await pair(t);
  first.stage.write(`${'x'.repeat(5000)}\n`);
  const e = await settled(first.ch.next()).then(() => undefined, (err: Error) => err);
  assert.ok(e, 'next() rejected');
  assert.match(e.message, /"x{80}"… \(5000 characters\)/);
  assert.ok(e.message.length < 300, `the error is short: ${e.message.length} characters`);
  const second = await pair(t);
  const waiting = second.ch.next();
  second.stage.write('y'.repeat(MAX_LINE + 65536));
  await assert.rejects(settled(waiting, 5000), new RegExp(`a line longer than ${MAX_LINE} bytes, starting "y{80}"…`));
});

test('a stage that ends still fails next() with the description of its end', async (t) => {
  const { ch, stage } = await pair(t);
  stage.end('{"type":"hooks"}\n');
  assert.deepEqual(await settled(ch.next()), { type: 'hooks' });
  await assert.rejects(settled(ch.next()), /^Error: stage ended$/);
});
