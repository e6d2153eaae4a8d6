// berthd's last resort (helper/daemon/main.ts keepServing): once it serves, an
// exception thrown from an event handler and a rejection nobody handles are
// logged with their stack and the process carries on, instead of ending
// every user's connections and losing its children's exit statuses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const MAIN = join(__dirname, '../../helper/daemon/main.ts');

test('an uncaught exception and an unhandled rejection are logged and the process keeps running', () => {
  const script = `
    const { keepServing } = require(${JSON.stringify(MAIN)});
    const { makeLogger } = require(${JSON.stringify(join(__dirname, '../../helper/daemon/log.ts'))});
    keepServing(makeLogger('json', false));
    setTimeout(() => { throw new Error('thrown from a timer'); }, 10);
    setTimeout(() => void Promise.reject(new Error('rejected, never handled')), 20);
    setTimeout(() => process.stdout.write('still serving'), 100);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'still serving');
  const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string; error: string });
  assert.deepEqual(lines.map((l) => [l.level, l.msg]), [
    ['error', 'uncaught exception (berthd carries on)'],
    ['error', 'unhandled rejection (berthd carries on)'],
  ]);
  assert.match(lines[0].error, /^Error: thrown from a timer\n\s+at /);
  assert.match(lines[1].error, /^Error: rejected, never handled\n\s+at /);
});
