// Clear errors, and a failed create leaves nothing: no state directory, no
// pid file, no process. Errors name the config field (a JSON pointer, also
// in --log-format json) or the argument at fault.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { ensureBuilt, pidsHolding, Runner } from './harness';

describe('errors', () => {
  let r: Runner;
  before(() => {
    ensureBuilt();
    r = new Runner();
  });
  after(() => r.cleanup());

  function failedCreate(b: Bundle, id: string, globals: string[] = []): string {
    const pidFile = join(b.dir, 'pid');
    const x = r.run(['create', '-b', b.dir, '--pid-file', pidFile, id], { globals });
    assert.equal(x.status, 1, `create must fail: ${x.stderr}`);
    assert.equal(existsSync(join(r.root, r.id(id))), false, 'no state directory left');
    assert.equal(existsSync(pidFile), false, 'no pid file left');
    assert.deepEqual(pidsHolding(r.stdoutPath), [], 'no init process left');
    return x.stderr;
  }

  test('missing and malformed config.json', () => {
    const b = makeBundle();
    try {
      rmSync(join(b.dir, 'config.json'));
      assert.match(failedCreate(b, 'noconfig'), /config\.json.*no such file/);
      writeFileSync(join(b.dir, 'config.json'), '{ "ociVersion": "1.3.0", ');
      assert.match(failedCreate(b, 'badjson'), /parse .*config\.json/);
      writeFileSync(join(b.dir, 'config.json'), JSON.stringify({ ociVersion: '1.3.0', root: { path: 'rootfs' } }));
      assert.match(failedCreate(b, 'noprocess'), /\/process/);
    } finally {
      b.cleanup();
    }
  });

  test('args[0] not found: the pointer /process/args/0, in text and json logs', () => {
    const b = makeBundle(['no-such-program']);
    try {
      assert.match(failedCreate(b, 'noexe'), /no-such-program.*pointer="\/process\/args\/0"/);
      const json = failedCreate(b, 'noexe2', ['--log-format', 'json']);
      const line = JSON.parse(json.trim().split('\n').pop()!);
      assert.equal(line.level, 'error');
      assert.equal(line.pointer, '/process/args/0');
      assert.match(line.msg, /no-such-program/);
      const logFile = join(b.dir, 'berth.log');
      failedCreate(b, 'noexe3', ['--log', logFile, '--log-format', 'json']);
      assert.equal(JSON.parse(readFileSync(logFile, 'utf8').trim()).pointer, '/process/args/0');
    } finally {
      b.cleanup();
    }
  });

  test('a failing mount names its entry and leaves nothing mounted', () => {
    const b = makeBundle(['true'], (s) => {
      s.mounts!.push({ destination: '/data', type: 'bind', source: '/nonexistent-berth-source', options: ['rbind'] });
    });
    try {
      const before = readFileSync('/proc/self/mountinfo', 'utf8');
      assert.match(failedCreate(b, 'badmount'), new RegExp(`nonexistent-berth-source.*pointer="/mounts/${b.spec.mounts!.length - 1}"`));
      assert.equal(readFileSync('/proc/self/mountinfo', 'utf8'), before, 'host mount table unchanged');
      const s2 = makeBundle(['true'], (s) => s.process!.rlimits!.push({ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 << 30 }));
      try {
        assert.match(failedCreate(s2, 'rlimit'), /RLIMIT_NOFILE.*pointer="\/process\/rlimits\/1"/);
      } finally {
        s2.cleanup();
      }
    } finally {
      b.cleanup();
    }
  });

  test('bad arguments', () => {
    const cases: [string[], RegExp][] = [
      [['create'], /missing arguments/],
      [['create', '--bogus', 'x'], /unknown option '--bogus'/],
      [['create', '-b', '/nonexistent-bundle', 'x'], /bundle .*nonexistent-bundle.*no such directory/],
      [['create', '../escape'], /invalid container id/],
      [['list', '--format', 'xml'], /invalid format/],
      [['kill', 'x', 'SIGFOO'], /unknown signal|does not exist/],
    ];
    for (const [args, re] of cases) {
      const x = r.run(args);
      assert.equal(x.status, 1, args.join(' '));
      assert.match(x.stderr, re, args.join(' '));
    }
    const unknown = r.run(['frobnicate']);
    assert.equal(unknown.status, 3, 'unknown command: 3, as runc');
    assert.match(unknown.stderr, /no such command: frobnicate/);
    assert.equal(r.run([]).status, 0, 'no command: help, status 0, as runc');
    assert.equal(r.run([], { globals: ['--log-format', 'yaml'] }).status, 1);
    assert.match(r.run([], { globals: ['--version'] }).stdout, /^berth version .*\nspec: 1\.3\.0/);
    assert.deepEqual(readdirSync(r.root).filter((d) => d !== '.locks'), [], 'nothing created by bad arguments');
  });

  test('sysctls outside the container\'s namespaces are refused, as runc', () => {
    const h = makeBundle(['true'], (s) => (s.linux!.sysctl = { 'kernel.hostname': 'foo' }));
    const n = makeBundle(['true'], (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((x) => x.type !== 'network');
      s.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };
    });
    try {
      assert.match(failedCreate(h, 'sysctl-host'), /kernel\.hostname.*pointer="\/linux\/sysctl\/kernel\.hostname"/);
      assert.match(failedCreate(n, 'sysctl-net'), /network.*namespace.*pointer="\/linux\/sysctl\/net\.ipv4\.ip_forward"/);
    } finally {
      h.cleanup();
      n.cleanup();
    }
  });

  test('terminal without a console socket cannot detach', () => {
    const b = makeBundle(['true'], (s) => (s.process!.terminal = true));
    try {
      assert.match(failedCreate(b, 'tty'), /console-socket.*pointer="\/process\/terminal"/);
    } finally {
      b.cleanup();
    }
  });
});
