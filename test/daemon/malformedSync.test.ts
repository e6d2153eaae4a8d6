// A process holding an init stage's sync socket writes a line that is not
// JSON (helper/runtime/channel.ts). Before, berthd's JSON.parse threw inside
// the socket's data handler and berthd exited, for every user; now the create
// that took that stage fails naming the line, and berthd keeps serving.
// The line is written through a duplicate of a pooled init's end of the
// socket (pidfd_getfd), before a create takes that init.
import assert from 'node:assert/strict';
import { closeSync, readFileSync, readlinkSync, writeSync } from 'node:fs';
import { test } from 'node:test';
import { closeFd, pidfdGetfd, pidfdOpen } from '../../helper/daemon/sys';
import { SYNC_FD_ENV } from '../../helper/runtime/sync';
import { makeBundle } from '../fixtures/bundle';
import { cleanupDir, isPooledInit, makeDir, sleep, startBerthd } from './harness';

/** berthd's children that are its waiting pooled inits. */
function pooledInits(berthd: number, root: string): number[] {
  const kids = readFileSync(`/proc/${berthd}/task/${berthd}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return kids.filter((k) => isPooledInit(k, root));
}

test('a malformed line on a stage\'s sync socket fails that create, naming the line; berthd keeps serving', async (t) => {
  const dir = makeDir();
  const b = await startBerthd(dir, ['--init-pool', '1']);
  const x = makeBundle(['true']);
  t.after(async () => {
    await b.stop();
    x.cleanup();
    await cleanupDir(dir);
  });
  let init: number | undefined;
  for (let i = 0; i < 500 && init === undefined; i++) {
    init = pooledInits(b.child.pid!, b.root)[0];
    if (init === undefined) await sleep(20);
  }
  assert.ok(init !== undefined, 'a pooled init within 10 s');
  const env = readFileSync(`/proc/${init}/environ`, 'latin1').split('\0');
  const syncFd = Number(env.find((v) => v.startsWith(`${SYNC_FD_ENV}=`))?.slice(SYNC_FD_ENV.length + 1));
  assert.ok(readlinkSync(`/proc/${init}/fd/${syncFd}`).startsWith('socket:'), `fd ${syncFd} of the init is its sync socket`);
  const pidfd = pidfdOpen(init);
  const fd = pidfdGetfd(pidfd, syncFd);
  try {
    writeSync(fd, 'this is not json\n');
  } finally {
    closeSync(fd);
    closeFd(pidfd);
  }
  const c = await b.connect();
  // Before the fix berthd exited here, leaving the request unanswered.
  const died = new Promise<{ died: string }>((res) => b.child.once('exit', (code, sig) => res({ died: `berthd exited (${code ?? sig}): ${b.stderr()}` })));
  try {
    const made = await Promise.race([
      c.request('create', { id: 'bad-sync', bundle: x.dir }).then(
        (r) => ({ ok: r }),
        (e: Error) => ({ error: e.message }),
      ),
      died,
    ]);
    assert.ok('error' in made, `the create that took the init fails: ${JSON.stringify(made)}`);
    assert.match(made.error, /sync channel carried a line that is not JSON, "this is not json"/);
    assert.equal(b.child.exitCode, null, `berthd is still running: ${b.stderr()}`);
    assert.deepEqual((await c.request('list', {})).containers, [], 'nothing left of the failed create');
    // The same berthd serves the next create (a fresh stage) on the same connection.
    await c.request('run', { id: 'after-bad-sync', bundle: x.dir });
    await c.request('delete', { id: 'after-bad-sync', force: true });
  } finally {
    c.close();
  }
  assert.doesNotMatch(b.stderr(), /uncaught|unhandled/, 'the bad line is the failed create\'s error, not an exception berthd had to survive');
});
