// The audit log keeps at most two files of its cap: a member that floods
// berthd with requests cannot fill the disk through it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AuditLog } from '../../helper/daemon/audit';

test('audit log: past its cap the file is rotated to .1, so 10,000 lines at a 64 KiB cap leave at most 128 KiB', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berthd-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'audit.log');
  const log = new AuditLog(path, 64 * 1024);
  try {
    for (let i = 0; i < 10_000; i++) log.write({ uid: 65534, gid: 65534, pid: 1, method: 'state', id: `c${i}`, result: 'error', code: -32004, message: `container c${i}: does not exist` });
  } finally {
    log.close();
  }
  assert.ok(statSync(path).size <= 64 * 1024, `audit.log is ${statSync(path).size} bytes`);
  assert.ok(existsSync(`${path}.1`) && statSync(`${path}.1`).size <= 64 * 1024, 'the rotated file exists and is capped');
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.match(lines[0], /"rotated":".*audit\.log\.1"/, 'a new file says it follows a rotation');
  assert.match(lines.at(-1)!, /"id":"c9999"/, 'the newest line is kept');
  for (const l of lines) JSON.parse(l);
});
