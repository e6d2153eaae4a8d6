// update's flags and --resources document, ps's table filter, and runc's
// size and duration syntax — without a container.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourcesFrom } from '../../helper/cli/update';
import { filterPsTable } from '../../helper/cli/ps';
import { parseBytes, parseDuration } from '../../helper/cli/units';
import { mergeResources } from '../../helper/runtime/cgroups';

test('runc size and duration syntax', () => {
  assert.equal(parseBytes('--memory', '512m'), 512 * 1024 * 1024);
  assert.equal(parseBytes('--memory', '1G'), 1024 ** 3);
  assert.equal(parseBytes('--memory', '1.5k'), 1536);
  assert.equal(parseBytes('--memory', '4096'), 4096);
  assert.equal(parseBytes('--memory-swap', '-1'), -1);
  assert.throws(() => parseBytes('--memory', 'lots'), /--memory: invalid size "lots"/);
  assert.equal(parseDuration('--interval', '5s'), 5000);
  assert.equal(parseDuration('--interval', '1m30s'), 90000);
  assert.equal(parseDuration('--interval', '250ms'), 250);
  assert.throws(() => parseDuration('--interval', '5'), /--interval: invalid duration "5"/);
});

test('update: --resources file, stdin, and flags that win over the document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-test-update-'));
  try {
    const file = join(dir, 'r.json');
    writeFileSync(file, JSON.stringify({ memory: { limit: 1000, reservation: 500 }, pids: { limit: 9 } }));
    assert.deepEqual(resourcesFrom({ resources: file, memory: '2k', 'cpu-quota': '20000', 'cpuset-cpus': '0' }), {
      memory: { limit: 2048, reservation: 500 },
      pids: { limit: 9 },
      cpu: { quota: 20000, cpus: '0' },
    });
    assert.deepEqual(resourcesFrom({ resources: '-' }, () => '{"pids":{"limit":3}}'), { pids: { limit: 3 } });
    assert.throws(() => resourcesFrom({ resources: '-' }, () => 'nope'), /--resources -: not JSON/);
    assert.throws(() => resourcesFrom({ 'pids-limit': 'x' }), /--pids-limit: invalid integer "x"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('update merges into the stored resources group by group', () => {
  assert.deepEqual(mergeResources({ memory: { limit: 1, swap: 2 }, pids: { limit: 3 } }, { memory: { limit: 5 } }), { memory: { limit: 5, swap: 2 }, pids: { limit: 3 } });
});

test('ps keeps the header and the lines of the container pids, by the PID column', () => {
  const table = 'UID          PID    PPID  C STIME TTY          TIME CMD\nroot           1       0  0 10:00 ?        00:00:01 init\nroot          42       1  0 10:00 ?        00:00:00 sleep 100\nroot         420       1  0 10:00 ?        00:00:00 other 42\n';
  assert.equal(filterPsTable(table, [42]), 'UID          PID    PPID  C STIME TTY          TIME CMD\nroot          42       1  0 10:00 ?        00:00:00 sleep 100\n');
  assert.throws(() => filterPsTable('COMMAND\nx\n', [1]), /no PID column/);
});
