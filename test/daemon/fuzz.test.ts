// Malformed input: more than 10,000 generated requests — broken JSON, wrong
// types, huge strings, unknown methods, container ids with `/`, `..` and
// NUL, bundle paths that are files, symlinks or missing — each answered with
// an error; berthd never dies and creates nothing. The generator is seeded,
// so a failure names the seed that reproduces it.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ErrorCode } from '../../helper/protocol/errors';
import { cleanupDir, isPooledInit, makeDir, startBerthd, type Berthd } from './harness';
import { RawClient } from './raw';

const SEED = Number(process.env.BERTH_FUZZ_SEED ?? 20261128);
const COUNT = 10_500;

/** mulberry32: small, seedable, good enough to spread cases. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let b: Berthd;
let dir: string;
let paths: Record<string, string>;

before(async () => {
  dir = makeDir();
  b = await startBerthd(dir);
  const f = join(dir, 'fixtures');
  mkdirSync(join(f, 'nocfg'), { recursive: true });
  mkdirSync(join(f, 'cfgdir/config.json'), { recursive: true });
  mkdirSync(join(f, 'badjson'), { recursive: true });
  writeFileSync(join(f, 'badjson/config.json'), '{"ociVersion": ');
  mkdirSync(join(f, 'array'), { recursive: true });
  writeFileSync(join(f, 'array/config.json'), '[]');
  mkdirSync(join(f, 'cfglink'), { recursive: true });
  symlinkSync('/etc/passwd', join(f, 'cfglink/config.json'));
  writeFileSync(join(f, 'file'), 'not a bundle');
  symlinkSync(join(f, 'nocfg'), join(f, 'dirlink'));
  symlinkSync(join(f, 'file'), join(f, 'filelink'));
  symlinkSync(join(f, 'missing'), join(f, 'dangling'));
  paths = {
    nocfg: join(f, 'nocfg'), cfgdir: join(f, 'cfgdir'), badjson: join(f, 'badjson'), array: join(f, 'array'),
    cfglink: join(f, 'cfglink'), file: join(f, 'file'), dirlink: join(f, 'dirlink'), filelink: join(f, 'filelink'),
    dangling: join(f, 'dangling'), missing: join(f, 'missing'), devnull: '/dev/null', proc: '/proc/self',
  };
});

after(async () => {
  await b.stop();
  await cleanupDir(dir);
});

type Case = { body: string | Buffer } | { method: unknown; params?: unknown; id?: unknown; raw?: Record<string, unknown> };

function generate(r: () => number): (n: number) => Case {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const str = (max: number) => Array.from({ length: Math.floor(r() * max) }, () => String.fromCharCode(Math.floor(r() * 0x2fff))).join('');
  const badIds = ['a/b', '../x', '..', '.', 'a\u0000b', '', ' ', 'x'.repeat(300), 'é', 'a b', '/abs', 'a\nb', '../../etc', 'c\u0000', '$(id)', 'a;b', 42, null, true, {}, ['x']];
  const goodIdNotExisting = () => `fz-${Math.floor(r() * 1e9)}`;
  const methods = ['create', 'start', 'run', 'state', 'kill', 'delete', 'exec', 'ps', 'pause', 'resume', 'update', 'stats', 'attach', 'write', 'resize', 'detach', 'logs', 'unsubscribe'];
  const wrong = () => pick<unknown>([1, -1, 1.5, 'x', '', true, null, [], {}, [1, 2], { a: 1 }, 'y'.repeat(100_000)]);
  return (n) => {
    switch (n % 12) {
      case 0: // broken JSON
        return { body: pick(['{', '{"jsonrpc":"2.0","id":1,"method":"list"', 'nul', '{"a":}', '\u0000\u0001', '}{', "{'id':1}", Buffer.from([0xff, 0xfe, 0x00, 0x7b]), str(50) + '{']) };
      case 1: // JSON that is not a request object
        return { body: pick(['1', '"hello"', '[]', '[{"jsonrpc":"2.0","id":1,"method":"list"}]', 'null', 'true', '{}', '{"jsonrpc":"1.0","id":1,"method":"list"}', '{"id":1,"method":"list"}']) };
      case 2: // envelope with a bad id or method
        return { raw: pick<Record<string, unknown>>([{ id: { x: 1 }, method: 'list' }, { id: true, method: 'list' }, { id: 1.5, method: 'list' }, { method: 'list' }, { id: 7, method: 42 }, { id: 'q'.repeat(500), method: 'list' }, { id: 8, method: 'list', params: [1, 2] }, { id: 9, method: 'list', params: 'x' }, { id: null, method: 'list' }]), method: undefined };
      case 3: // unknown methods
        return { method: pick([str(20), 'rm -rf /', '$/setTrace', 'rpc.discover', '__proto__', 'constructor', 'x'.repeat(5000), 'CREATE', 'hello2', '']) };
      case 4: // bad ids
        return { method: pick(methods.filter((m) => !['write', 'resize', 'detach', 'unsubscribe'].includes(m))), params: { id: pick(badIds), bundle: paths.nocfg } };
      case 5: // wrong types everywhere
        return { method: pick(methods), params: pick([{ id: wrong() }, { id: 'ok', bundle: wrong() }, { id: 'ok', signal: wrong() }, { session: wrong(), data: wrong() }, { id: 'ok', extra: 1 }, wrong()]) };
      case 6: // huge strings (under the message limit)
        return { method: pick(['create', 'state', 'kill']), params: { id: 'h'.repeat(Math.floor(r() * 200_000) + 1000), bundle: '/' + 'b'.repeat(Math.floor(r() * 200_000)) } };
      case 7: // bundle paths that are files, symlinks, missing, relative, NUL
        return { method: pick(['create', 'run']), params: { id: goodIdNotExisting(), bundle: pick([...Object.values(paths), 'relative/path', '', '/a\u0000b', '~/bundle']) } };
      case 8: // lifecycle on containers that do not exist
        return { method: pick(['start', 'state', 'kill', 'delete', 'attach', 'logs']), params: { id: goodIdNotExisting() } };
      case 9: // signals and sizes out of range
        return { method: pick(['kill', 'resize']), params: pick([{ id: goodIdNotExisting(), signal: pick([0, 65, -9, 'SIGNOPE', 'KILL; rm', 1e10]) }, { session: 'abc', rows: pick([0, -1, 1e6, 1.5]), cols: 10 }, { session: 'nosuch', rows: 10, cols: 10 }]) };
      case 10: // sessions that do not exist, bad base64
        return { method: pick(['write', 'detach', 'unsubscribe']), params: pick([{ session: 'nosuch', data: 'aGk=' }, { session: 'nosuch' }, { subscription: 'nosuch' }, { session: 'x', data: '***' }, { session: '../../x' }]) };
      default: // hello again with a wrong protocol, or nonsense
        return { method: 'hello', params: pick([{ protocol: 99, client: 'x' }, { protocol: '1', client: 'x' }, { protocol: 1 }, { client: 'x' }, { protocol: -1, client: 'x' }]) };
    }
  };
}

test(`fuzz: ${COUNT} malformed requests (seed ${SEED}) all answered with errors, berthd alive, nothing created`, async () => {
  const c = await RawClient.open(b.socket);
  try {
    c.request('h0', 'hello', { protocol: 1, client: 'fuzz' });
    await c.waitFor(1);
    assert.ok(c.answers[0].result, 'hello succeeds');
    const gen = generate(rng(SEED));
    let sent = 1;
    let seq = 0;
    const BATCH = 250;
    for (let i = 0; i < COUNT; i += BATCH) {
      for (let j = i; j < Math.min(COUNT, i + BATCH); j++) {
        const k = gen(j);
        if ('body' in k) c.sendBody(k.body);
        else if (k.raw) c.sendBody(JSON.stringify({ jsonrpc: '2.0', ...k.raw }));
        else c.request(`f${seq++}`, k.method, k.params);
        sent++;
      }
      await c.waitFor(sent);
      assert.equal(c.answers.length, sent, `answers after batch ${i / BATCH}`);
    }
    // Over-limit messages are answered TooLarge and skipped; the connection keeps working.
    c.sendBody(Buffer.alloc(2 << 20, 0x20));
    c.request('after-big', 'list', {});
    sent += 2;
    await c.waitFor(sent);
    const tail = c.answers.slice(-2);
    assert.equal(tail[0].error?.code, ErrorCode.TooLarge);
    assert.ok(tail[1].result, 'connection still serves after an over-limit message');
    const fuzzAnswers = c.answers.slice(1, 1 + COUNT);
    const notErrors = fuzzAnswers.filter((a) => !a.error || a.result !== undefined);
    assert.deepEqual(notErrors, [], 'every fuzz request answered with an error');
    const codes = new Map<number, number>();
    for (const a of fuzzAnswers) codes.set(a.error!.code, (codes.get(a.error!.code) ?? 0) + 1);
    console.log('error codes seen:', Object.fromEntries(codes));
    assert.ok(codes.size >= 6, 'the generator reaches many different refusals');
  } finally {
    c.close();
  }
  // Broken headers cannot be resynchronised: answered, then the connection closes.
  for (const bytes of ['Content-Length: x\r\n\r\n{}', 'Garbage\r\n\r\n', 'X'.repeat(10_000), 'Content-Length: 99999999999999\r\n\r\n']) {
    const r = await RawClient.open(b.socket);
    r.sendRaw(bytes);
    await r.waitFor(1);
    assert.ok(r.answers[0]?.error, `answered ${JSON.stringify(bytes.slice(0, 30))}`);
    r.close();
  }
  // Requests before hello are refused.
  const early = await RawClient.open(b.socket);
  early.request(1, 'list', {});
  await early.waitFor(1);
  assert.equal(early.answers[0].error?.code, ErrorCode.HelloRequired);
  early.close();

  assert.equal(b.child.exitCode, null, 'berthd is alive');
  assert.equal(b.child.signalCode, null);
  const ok = await b.connect('after-fuzz');
  try {
    assert.deepEqual((await ok.request('list', {})).containers, []);
  } finally {
    ok.close();
  }
  assert.deepEqual(readdirSync(b.root).filter((d) => !d.startsWith('.')), ['berthd@'], 'no container directory created');
  assert.deepEqual(readdirSync(join(b.root, 'berthd@', 'containers')), [], 'no berthd record left');
  const children = readdirSync(`/proc/${b.child.pid}/task`).flatMap((t) => readFileSync(`/proc/${b.child.pid}/task/${t}/children`, 'utf8').trim().split(' ').filter(Boolean));
  assert.deepEqual(children.filter((p) => !isPooledInit(p, b.root)), [], 'berthd has no child processes but its waiting pooled inits');
});
