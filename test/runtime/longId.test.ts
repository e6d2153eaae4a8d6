// Container ids and their length (helper/runtime/store.ts, ID_MAX): an id
// names the state directory, the lock file and its private name, the cgroup
// and berthd's records, each at most 255 bytes. A 250-character id used to
// fail inside the lock with a bare ENAMETOOLONG; now create refuses it by
// name before touching the root, and the longest id allowed works.
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ID_MAX } from '../../helper/runtime/store';
import { berthIn, needBuild } from '../exec/helpers';
import { makeBundle } from '../fixtures/bundle';

function setUp(t: { after(fn: () => void): void }, id: string) {
  needBuild();
  const root = mkdtempSync(join(tmpdir(), 'berth-root-'));
  const bundle = makeBundle(['sleep', '1000']);
  const berth = berthIn(root);
  t.after(() => {
    berth(['delete', '--force', id]);
    bundle.cleanup();
    rmSync(root, { recursive: true, force: true });
  });
  // The init inherits create's stdio: a pipe would keep spawnSync waiting for it, so a file outside the root.
  const create = () => {
    const log = join(bundle.dir, 'create.log');
    const fd = openSync(log, 'w');
    try {
      return { ...berth(['create', '--bundle', bundle.dir, id], { stdio: ['ignore', fd, fd] }), log: readFileSync(log, 'utf8') };
    } finally {
      closeSync(fd);
    }
  };
  return { root, berth, create };
}

test('create with a 250-character id fails naming the id and the limit, and leaves nothing in --root', (t) => {
  const id = `${process.pid}-`.padEnd(250, 'a');
  const { root, create } = setUp(t, id);
  const r = create();
  assert.notEqual(r.status, 0);
  assert.match(r.log, new RegExp(`invalid container id \`${id.slice(0, 40)}…\`: it is 250 characters long, at most ${ID_MAX} are allowed`));
  assert.doesNotMatch(r.log, /ENAMETOOLONG/);
  assert.deepEqual(readdirSync(root), [], 'nothing made under --root');
});

test(`an id of ${ID_MAX} characters, the most allowed, is created, shown, started and deleted`, (t) => {
  const id = `${process.pid}-`.padEnd(ID_MAX, 'b');
  const { root, berth, create } = setUp(t, id);
  const c = create();
  assert.equal(c.status, 0, c.log);
  assert.equal(JSON.parse(berth(['state', id]).stdout).status, 'created');
  assert.equal(berth(['start', id]).status, 0);
  assert.equal(JSON.parse(berth(['state', id]).stdout).status, 'running');
  const d = berth(['delete', '--force', id]);
  assert.equal(d.status, 0, d.stderr);
  assert.equal(existsSync(join(root, id)), false);
});
