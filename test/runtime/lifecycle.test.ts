// The runtime.md lifecycle through the CLI, as root with real containers:
// creating → created → running → stopped, the transitions that must fail,
// list/state output, kill by name and number, delete leaving nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { alive, BERTH, ensureBuilt, ROOT_DIR, Runner, until } from './harness';

const SCHEMA_DIR = join(ROOT_DIR, '../shared/reference/runtime-spec-schema');

const LONG = ['sh', '-c', 'trap "exit 0" TERM; sleep 300 & wait'];

describe('berth lifecycle', () => {
  let b: Bundle;
  let r: Runner;
  before(() => {
    ensureBuilt();
    b = makeBundle(LONG);
    r = new Runner();
  });
  after(() => {
    r.cleanup();
    b.cleanup();
  });

  test('create → created, start → running, kill TERM → stopped, delete → nothing left', async () => {
    const pidFile = join(b.dir, 'init.pid');
    const c = r.run(['create', '--bundle', b.dir, '--pid-file', pidFile, 'c1']);
    assert.equal(c.status, 0, c.stderr);
    const s1 = r.state('c1');
    assert.equal(s1.status, 'created');
    assert.equal(Number(readFileSync(pidFile, 'utf8')), s1.pid);
    assert.ok(alive(s1.pid));
    // runtime.md: the user process has not run yet: the init is still node.
    assert.match(readFileSync(`/proc/${s1.pid}/cmdline`, 'utf8'), /init\.js/);

    assert.equal(r.run(['start', 'c1']).status, 0);
    const s2 = r.state('c1');
    assert.equal(s2.status, 'running');
    assert.equal(s2.pid, s1.pid);
    await until(() => readFileSync(`/proc/${s1.pid}/cmdline`, 'utf8').startsWith('sh'), 5000, 'execve of sh');

    const again = r.run(['start', 'c1']);
    assert.notEqual(again.status, 0, 'start of a running container must fail');
    assert.match(again.stderr, /running/);

    const del = r.run(['delete', 'c1']);
    assert.notEqual(del.status, 0, 'delete of a running container without --force must fail');
    assert.match(del.stderr, /not stopped/);

    assert.equal(r.run(['kill', 'c1']).status, 0, 'default signal TERM');
    await until(() => r.state('c1').status === 'stopped', 5000, 'stopped after TERM');
    assert.equal(r.state('c1').pid, 0);
    assert.notEqual(r.run(['kill', 'c1', 'KILL']).status, 0, 'kill of a stopped container fails');

    assert.equal(r.run(['delete', 'c1']).status, 0);
    assert.equal(existsSync(join(r.root, r.id('c1'))), false, 'state directory removed');
    assert.deepEqual(readdirSync(join(r.root, '.locks')), [], 'no lock left');
    assert.notEqual(r.run(['state', 'c1']).status, 0);
  });

  test('state is valid against the runtime-spec state schema', () => {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, 'state-schema.json'), 'utf8'));
    const ajv = new Ajv({ strict: false });
    ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, 'defs.json'), 'utf8')), 'defs.json');
    const validate = ajv.compile(schema);
    assert.equal(r.run(['create', '-b', b.dir, 'schema']).status, 0);
    try {
      const s = r.state('schema');
      assert.ok(validate(s), JSON.stringify(validate.errors));
    } finally {
      r.run(['delete', '--force', 'schema']);
    }
  });

  test('a created container is not stopped: delete needs --force (runtime.md), and --force removes it and its init', async () => {
    assert.equal(r.run(['create', '-b', b.dir, 'c2']).status, 0);
    const pid = r.state('c2').pid;
    const d = r.run(['delete', 'c2']);
    assert.notEqual(d.status, 0);
    assert.match(d.stderr, /not stopped: created/);
    assert.equal(r.run(['delete', '--force', 'c2']).status, 0);
    assert.equal(alive(pid), false);
    assert.equal(existsSync(join(r.root, r.id('c2'))), false);
  });

  test('duplicate and unknown ids are errors', () => {
    assert.equal(r.run(['create', '-b', b.dir, 'dup']).status, 0);
    try {
      const d = r.run(['create', '-b', b.dir, 'dup']);
      assert.notEqual(d.status, 0);
      assert.match(d.stderr, /already exists/);
      assert.equal(r.state('dup').status, 'created', 'the first container is untouched');
    } finally {
      r.run(['delete', '--force', 'dup']);
    }
    for (const verb of [['start', 'nope'], ['state', 'nope'], ['kill', 'nope'], ['delete', 'nope']]) {
      const x = r.run(verb);
      assert.notEqual(x.status, 0, verb.join(' '));
      assert.match(x.stderr, /does not exist/, verb.join(' '));
    }
    assert.equal(r.run(['delete', '--force', 'nope']).status, 0, 'delete --force of a missing id succeeds, as runc');
  });

  test('list: table, json and quiet', () => {
    assert.equal(r.run(['create', '-b', b.dir, 'l1']).status, 0);
    try {
      const table = r.run(['list']).stdout.split('\n');
      assert.match(table[0], /^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER$/);
      assert.match(table[1], new RegExp(`^${r.id('l1')}\\s+\\d+\\s+created\\s+${b.dir}`));
      const json = JSON.parse(r.run(['list', '--format', 'json']).stdout);
      assert.equal(json.length, 1);
      assert.equal(json[0].id, r.id('l1'));
      assert.equal(json[0].status, 'created');
      assert.equal(r.run(['list', '-q']).stdout, `${r.id('l1')}\n`);
    } finally {
      r.run(['delete', '--force', 'l1']);
    }
    assert.equal(r.run(['list', '-f', 'json']).stdout.trim(), 'null', 'runc prints null for no containers');
  });

  test('kill by name and by number; --all reaches every process', async () => {
    const k = makeBundle(['sh', '-c', 'trap "exit 7" USR1; sleep 300 & sleep 300 & wait']);
    try {
      assert.equal(r.run(['run', '-d', '-b', k.dir, 'k1']).status, 0);
      const pid = r.state('k1').pid;
      await until(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sh'), 5000, 'sh');
      assert.notEqual(r.run(['kill', 'k1', 'NOSUCHSIG']).status, 0, 'unknown signal name');
      assert.equal(r.run(['kill', 'k1', 'SIGUSR1']).status, 0);
      await until(() => r.state('k1').status === 'stopped', 5000, 'exit on USR1');
      r.run(['delete', 'k1']);

      assert.equal(r.run(['run', '-d', '-b', k.dir, 'k2']).status, 0);
      const pid2 = r.state('k2').pid;
      await until(() => readFileSync(`/proc/${pid2}/cmdline`, 'utf8').startsWith('sh'), 5000, 'sh');
      assert.equal(r.run(['kill', '--all', 'k2', '9']).status, 0);
      await until(() => r.state('k2').status === 'stopped', 5000, 'stopped after kill --all 9');
      r.run(['delete', 'k2']);
    } finally {
      k.cleanup();
    }
  });

  test('run passes the exit code through, deletes unless --keep', () => {
    const e = makeBundle(['sh', '-c', 'exit 42']);
    try {
      const x = r.run(['run', '-b', e.dir, 'e1']);
      assert.equal(x.status, 42);
      assert.equal(existsSync(join(r.root, r.id('e1'))), false, 'run deletes after exit');
      const y = r.run(['run', '--keep', '-b', e.dir, 'e2']);
      assert.equal(y.status, 42);
      assert.equal(r.state('e2').status, 'stopped');
      assert.equal(r.run(['delete', 'e2']).status, 0);
    } finally {
      e.cleanup();
    }
  });

  test('run forwards signals to the container and exits with its status', async () => {
    const t = makeBundle(['sh', '-c', 'trap "exit 9" TERM; sleep 300 & wait']);
    const out = openSync(join(t.dir, 'out'), 'w');
    try {
      const child = spawn(BERTH, ['--root', r.root, 'run', '-b', t.dir, r.id('fwd')], { stdio: ['ignore', out, out] });
      const done = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
      await until(() => {
        const x = r.run(['state', 'fwd']);
        return x.status === 0 && JSON.parse(x.stdout).status === 'running';
      }, 10000, 'running');
      const pid = r.state('fwd').pid;
      await until(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sh'), 5000, 'sh');
      child.kill('SIGTERM');
      assert.equal(await done, 9);
      assert.equal(existsSync(join(r.root, r.id('fwd'))), false, 'deleted after exit');
    } finally {
      closeSync(out);
      t.cleanup();
    }
  });

  test('spec writes a config like runc spec and refuses to overwrite', () => {
    const dir = makeBundle();
    try {
      require('node:fs').rmSync(join(dir.dir, 'config.json'));
      assert.equal(r.run(['spec', '--bundle', dir.dir]).status, 0);
      const spec = JSON.parse(readFileSync(join(dir.dir, 'config.json'), 'utf8'));
      assert.equal(spec.root.path, 'rootfs');
      assert.deepEqual(spec.process.args, ['sh']);
      assert.notEqual(r.run(['spec', '--bundle', dir.dir]).status, 0);
      const rl = r.run(['spec', '--rootless'], { cwd: dir.dir });
      assert.notEqual(rl.status, 0, 'exists in cwd too');
      // A dangling symlink is there too: root must not create the file it names.
      require('node:fs').rmSync(join(dir.dir, 'config.json'));
      require('node:fs').symlinkSync(join(dir.dir, 'made-by-root'), join(dir.dir, 'config.json'));
      const dangling = r.run(['spec', '--bundle', dir.dir]);
      assert.notEqual(dangling.status, 0);
      assert.match(dangling.stderr, /exists: remove it first/);
      assert.equal(existsSync(join(dir.dir, 'made-by-root')), false);
    } finally {
      dir.cleanup();
    }
  });
});
