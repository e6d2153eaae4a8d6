// Small pure parts of the extension: reconnect backoff, input chunking for
// large pastes, JSON pointer → range in config.json, container ids.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../../extension/berthd/backoff';
import { looksLikeOciConfig } from '../../extension/lsp/ociConfig';
import { rangeOfPointer } from '../../extension/run/pointer';
import { chunks, WRITE_CHUNK_BYTES } from '../../extension/terminal/chunks';
import { MAX_MESSAGE_BYTES } from '../../helper/protocol/version';

test('backoff: doubles to the cap, jitter stays within its share, reset starts over', () => {
  const b = new Backoff({ first: 100, max: 1000, factor: 2, jitter: 0 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 800, 1000, 1000]);
  assert.equal(b.failures, 6);
  b.reset();
  assert.equal(b.next(), 100);
  const lo = new Backoff({ first: 1000, max: 1000, factor: 2, jitter: 0.2 }, () => 0);
  const hi = new Backoff({ first: 1000, max: 1000, factor: 2, jitter: 0.2 }, () => 0.999999);
  assert.equal(lo.next(), 800);
  assert.equal(hi.next(), 1200);
});

test('chunks: a 5 MB paste splits into ordered pieces that each fit a berthd message', () => {
  const data = Buffer.alloc(5 * 1024 * 1024 + 17, 7);
  data.writeUInt32BE(0xdeadbeef, data.length - 4);
  const parts = [...chunks(data)];
  assert.ok(parts.every((p) => p.length <= WRITE_CHUNK_BYTES));
  assert.ok(Math.ceil((WRITE_CHUNK_BYTES * 4) / 3) + 200 < MAX_MESSAGE_BYTES, 'base64 of a chunk plus the envelope fits');
  assert.deepEqual(Buffer.concat(parts), data);
});

test('pointer: value ranges, escaped segments, missing parts fall back to the nearest parent', () => {
  const text = '{\n  "process": {\n    "args": ["sh", "-c"]\n  },\n  "annotations": {"a/b": "x", "m~n": "y"}\n}\n';
  const at = (p: string) => {
    const r = rangeOfPointer(text, p);
    return r && text.slice(r.start, r.end);
  };
  assert.equal(at('/process/args/1'), '"-c"');
  assert.equal(at('/annotations/a~1b'), '"x"');
  assert.equal(at('/annotations/m~0n'), '"y"');
  assert.equal(at('/process/args/9'), '"args": ["sh", "-c"]', 'missing index → the property holding the array');
  assert.equal(at('/linux/namespaces'), text.trimEnd(), 'nothing of it exists → the root');
  assert.equal(rangeOfPointer('', '/x'), undefined);
});

test('oci-config detection: config.json with a top-level ociVersion, pretty-printed or not', () => {
  assert.ok(looksLikeOciConfig('/b/config.json', '{\n\t"ociVersion": "1.3.0",\n\t"process": {}\n}\n'));
  assert.ok(looksLikeOciConfig('/b/config.json', '{"ociVersion":"1.0.2"'), 'an unfinished document still counts');
  assert.ok(!looksLikeOciConfig('/b/other.json', '{"ociVersion":"1.3.0"}'), 'only config.json');
  assert.ok(!looksLikeOciConfig('/b/config.json', '{"compilerOptions": {"ociVersion": 1}}'), 'only at the top level');
  assert.ok(!looksLikeOciConfig('/b/config.json', '[{"ociVersion": "1"}]'));
});
