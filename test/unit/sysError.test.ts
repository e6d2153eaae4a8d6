// SysError names every errno Linux defines, by name (code) and by the
// kernel's reason (message), including those Node's own table lacks: an
// execve of a file the kernel cannot run said "errno 8" before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SysError } from '../../helper/linux/errors';

test('an exec format error is named ENOEXEC, with its reason in the message', () => {
  const e = new SysError('execve', 8, '/bin/app');
  assert.equal(e.message, 'execve `/bin/app`: exec format error');
  assert.equal(e.code, 'ENOEXEC');
});

test('every errno 1..133 Linux assigns has a name and a reason; 41 and 58 are unassigned', () => {
  const unnamed: number[] = [];
  for (let n = 1; n <= 133; n++) {
    const e = new SysError('call', n);
    if (!/^E[A-Z0-9]+$/.test(e.code) || /errno \d/.test(e.message)) unnamed.push(n);
  }
  assert.deepEqual(unnamed, [41, 58]);
});

test('errnos libuv does not know are named as Linux names them', () => {
  const cases: [number, string, string][] = [
    [10, 'ECHILD', 'no child processes'],
    [35, 'EDEADLK', 'resource deadlock avoided'],
    [116, 'ESTALE', 'stale file handle'],
    [122, 'EDQUOT', 'disk quota exceeded'],
    [133, 'EHWPOISON', 'memory page has hardware error'],
  ];
  for (const [n, code, reason] of cases) {
    const e = new SysError('call', n, 'x');
    assert.equal(e.code, code);
    assert.equal(e.message, `call \`x\`: ${reason}`);
  }
  // Those Node knows keep Node's name and text.
  assert.equal(new SysError('mount', 1, '/proc').message, 'mount `/proc`: operation not permitted');
  assert.equal(new SysError('call', 2).code, 'ENOENT');
});
