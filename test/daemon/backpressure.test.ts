// Backpressure: a console client that never reads its socket must not slow
// the container or grow berthd's memory. Past 1 MiB of output unsent to it
// (helper/daemon/backlog.ts) its sessions are closed with a sessionClosed
// that says why, queued behind what it did not read; a second client that
// reads keeps getting output all along. `logs --follow` instead reads the
// file only while the client has room, in bounded chunks.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OUTPUT_BACKLOG_BYTES } from '../../helper/daemon/backlog';
import type { BerthClient } from '../../helper/protocol/client';
import { SCROLLBACK_BYTES } from '../../helper/protocol/version';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { cleanupDir, makeDir, sleep, startBerthd, usage, type Berthd } from './harness';
import { RawClient } from './raw';

// Ids carry our pid: their cgroups are host-wide, and another checkout may run this test at the same time.
const FLOOD = `flood${process.pid}`;
const FOLLOW = `follow${process.pid}`;
let b: Berthd;
let dir: string;
let flood: Bundle;
const closers: (() => void)[] = [];

before(async () => {
  dir = makeDir();
  b = await startBerthd(dir);
  // A shell loop of builtin echos: a few MB/s through the pty, fast enough to pass the cap in well under a second.
  flood = makeBundle(['sh', '-c', 'i=0; while :; do echo "flood-$i-0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"; i=$((i+1)); done'], (s) => {
    s.process!.terminal = true;
  });
});

after(async () => {
  for (const c of closers) c();
  await b.stop();
  flood.cleanup();
  await cleanupDir(dir);
});

test(`a console client that does not read is detached past ${OUTPUT_BACKLOG_BYTES} bytes unsent; berthd's RSS stays bounded and a reading client keeps its output`, async () => {
  const fast: BerthClient = await b.connect();
  closers.push(() => fast.close());
  await fast.request('create', { id: FLOOD, bundle: flood.dir });
  const slow = await RawClient.open(b.socket);
  closers.push(() => slow.close());
  slow.request(1, 'hello', { protocol: fast.hello.protocol, client: 'never-reads' });
  slow.request(2, 'attach', { id: FLOOD, replay: false });
  await slow.waitFor(2);
  const slowSession = (slow.answers.find((a) => a.id === 2)?.result as { session: string }).session;
  slow.socket.pause(); // from here on the kernel's socket buffer fills, then berthd's queue
  const { session } = await fast.request('attach', { id: FLOOD, replay: false });
  let fastBytes = 0;
  fast.onOutput((o) => {
    if (o.session === session) fastBytes += Buffer.from(o.data, 'base64').length;
  });
  const rss0 = usage(b.child.pid!).rssKb;
  await fast.request('start', { id: FLOOD });
  let rssMax = rss0;
  const t0 = Date.now();
  const sample = () => (rssMax = Math.max(rssMax, usage(b.child.pid!).rssKb));
  // Until berthd detaches the slow client (how long depends on the machine's load), then a while more.
  const detached = /detached a client that does not read its output/;
  while (!detached.test(b.stderr()) && Date.now() - t0 < 20_000) {
    sample();
    await sleep(50);
  }
  assert.match(b.stderr(), detached, 'berthd logged the detach');
  const atDetach = fastBytes;
  const t1 = Date.now();
  // At least 3 s in all, so that an unbounded queue would have shown in the RSS.
  while (Date.now() - t1 < 1500 || Date.now() - t0 < 3000) {
    sample();
    await sleep(50);
  }
  // The cap counts base64 (4/3 of the raw bytes), and this count lags berthd by what is still in flight to
  // the reading client: by the detach it has had at least half the raw bytes the slow client was allowed to owe
  // (a reading client held to the slow one's pace would have had only the slow socket's buffer, and no detach).
  assert.ok(atDetach > (OUTPUT_BACKLOG_BYTES * 3) / 8, `the reading client got ${atDetach} bytes by then, at least half the raw size of the slow client's cap`);
  assert.ok(fastBytes - atDetach > 0, 'the reading client still gets output after the slow one was detached');
  const grewMb = (rssMax - rss0) / 1024;
  console.log(`reading client: ${(fastBytes / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s (detach after ${((t1 - t0) / 1000).toFixed(1)} s); berthd RSS ${(rss0 / 1024).toFixed(1)} → max ${(rssMax / 1024).toFixed(1)} MB`);
  assert.ok(grewMb < 20, `berthd's RSS grew by ${grewMb.toFixed(1)} MB (bounded: the slow client's queue is capped)`);
  assert.equal((await fast.request('state', { id: FLOOD })).status, 'running', 'the container keeps running');
  // The scrollback on disk (scrollbackFile.ts) stays bounded however much went through.
  // Mid-rotation the current file is briefly missing (renamed to .1, not yet reopened): count it as empty.
  const sizeOf = (f: string) => (existsSync(f) ? statSync(f).size : 0);
  const kept = ['console.scrollback', 'console.scrollback.1'].map((f) => sizeOf(join(b.root, 'berthd@', 'containers', FLOOD, f)));
  assert.ok(kept[1] > 0, 'the scrollback was rotated at least once');
  assert.ok(kept[0] + kept[1] <= 2 * SCROLLBACK_BYTES + 65536, `scrollback files ${kept.join(' + ')} bytes, bounded by twice ${SCROLLBACK_BYTES}`);
  await fast.request('delete', { id: FLOOD, force: true });
  // The slow client, reading again, finds the reason after the output it had not read.
  slow.socket.resume();
  const deadline = Date.now() + 10_000;
  const closed = () => slow.answers.find((a) => (a as { method?: string }).method === 'sessionClosed') as { params?: { session: string; reason: string } } | undefined;
  while (!closed() && Date.now() < deadline) await sleep(50);
  assert.equal(closed()?.params?.session, slowSession);
  assert.match(closed()?.params?.reason ?? '', /client not reading: more than 1048576 bytes of output unsent; detached/);
});

test('logs --follow picks up exactly where its first read ended and reads in bounded chunks: a burst arrives whole and in order', async () => {
  const lines = 60_000; // ~0.7 MB: several 256 KiB chunks of follow
  const x = makeBundle(['sh', '-c', `i=0; while [ $i -lt ${lines} ]; do echo "line-$i"; i=$((i+1)); done; sleep 30`]);
  const c = await b.connect();
  try {
    await c.request('run', { id: FOLLOW, bundle: x.dir });
    const r = await c.request('logs', { id: FOLLOW, follow: true });
    let text = Buffer.from(r.data, 'base64').toString();
    c.onOutput((o) => {
      if (o.session === r.session) text += Buffer.from(o.data, 'base64').toString();
    });
    const deadline = Date.now() + 20_000;
    while (!text.includes(`line-${lines - 1}\n`) && Date.now() < deadline) await sleep(50);
    const got = text.split('\n').filter(Boolean);
    assert.equal(got.length, lines, 'every line once');
    assert.ok(got.every((l, i) => l === `line-${i}`), 'in order');
    await c.request('delete', { id: FOLLOW, force: true });
  } finally {
    c.close();
    x.cleanup();
  }
});
