// Seccomp through libseccomp, on the real kernel: each case loads a filter in
// a fresh process (test/seccomp/child.ts; a filter can never be removed) and
// checks what the filtered syscalls did there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Seccomp } from '../../helper/spec/types';
import { resolveSyscall } from '../../helper/linux/seccomp';
import { Agent } from './agent';

const CHILD = join(__dirname, 'child.ts');

interface Probe {
  name: string;
  args?: number[];
}

function run(seccomp: Seccomp, probes: Probe[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(seccomp), JSON.stringify(probes)], { encoding: 'utf8', timeout: 20000 });
  const results = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { rc: number; errno: number });
  return { results, status: r.status, signal: r.signal, stderr: r.stderr };
}

const EPERM = 1;
const ENOTSUP = 95;

test('resolveSyscall knows x86_64 numbers and rejects unknown names', () => {
  assert.equal(resolveSyscall('getpid'), 39);
  assert.equal(resolveSyscall('mkdir'), 83);
  assert.equal(resolveSyscall('no_such_syscall'), undefined);
});

test('SCMP_ACT_ERRNO returns errnoRet; unknown names are skipped and reported', () => {
  const r = run(
    { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'no_such_syscall'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOTSUP }] },
    [{ name: 'mkdir', args: [0, 0] }, { name: 'getpid' }],
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.results[0], { rc: -1, errno: ENOTSUP });
  assert.ok(r.results[1].rc > 0);
  assert.match(r.stderr, /no_such_syscall \(\/linux\/seccomp\/syscalls\/0\/names\/1\)/);
});

test('SCMP_ACT_ERRNO without errnoRet is EPERM; defaultErrnoRet applies to the default action', () => {
  const r = run(
    { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, syscalls: [
      { names: ['getpid', 'write', 'exit', 'exit_group', 'getpriority', 'futex', 'mmap', 'munmap', 'brk', 'rt_sigreturn', 'rt_sigprocmask', 'madvise', 'mprotect'], action: 'SCMP_ACT_ALLOW' },
      { names: ['getppid'], action: 'SCMP_ACT_ERRNO' },
    ] },
    [{ name: 'getppid' }, { name: 'getuid' }, { name: 'getpid' }],
  );
  assert.deepEqual(r.results[0], { rc: -1, errno: EPERM });
  assert.deepEqual(r.results[1], { rc: -1, errno: 38 });
  assert.ok(r.results[2].rc > 0);
});

test('argument conditions: EQ, MASKED_EQ, AND across indexes, OR within one index', () => {
  const r = run(
    { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [
      { names: ['getpriority'], action: 'SCMP_ACT_ERRNO', errnoRet: 11, args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 1, value: 0, op: 'SCMP_CMP_EQ' }] },
      { names: ['setpriority'], action: 'SCMP_ACT_ERRNO', errnoRet: 12, args: [{ index: 2, value: 5, op: 'SCMP_CMP_GE' }, { index: 2, value: 2, op: 'SCMP_CMP_LT' }] },
      { names: ['umask'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 0, value: 0o070, valueTwo: 0o070, op: 'SCMP_CMP_MASKED_EQ' }] },
      { names: ['getpgid'], action: 'SCMP_ACT_ERRNO', errnoRet: 14, args: [{ index: 0, value: 3, op: 'SCMP_CMP_NE' }] },
    ] },
    [
      { name: 'getpriority', args: [1, 0] }, // both conditions hold
      { name: 'getpriority', args: [1, 1] }, // only one does
      { name: 'setpriority', args: [0, 0, 7] }, // >= 5
      { name: 'setpriority', args: [0, 0, 1] }, // < 2
      { name: 'umask', args: [0o077] }, // masked bits set
      { name: 'umask', args: [0o022] }, // masked bits clear
      { name: 'getpgid', args: [0] },
      { name: 'getpgid', args: [3] },
    ],
  );
  assert.equal(r.status, 0, r.stderr);
  const errnos = r.results.map((x) => x.errno);
  assert.equal(errnos[0], 11);
  assert.notEqual(errnos[1], 11);
  assert.equal(errnos[2], 12);
  assert.equal(errnos[3], 12);
  assert.equal(errnos[4], 13);
  assert.notEqual(errnos[5], 13);
  assert.equal(errnos[6], 14);
  assert.notEqual(errnos[7], 14);
});

test('SCMP_ACT_KILL_PROCESS kills the whole process with SIGSYS; SCMP_ACT_TRAP raises SIGSYS', () => {
  const k = run({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_KILL_PROCESS' }] }, [{ name: 'getpid' }, { name: 'getppid' }, { name: 'getpid' }]);
  assert.equal(k.signal, 'SIGSYS');
  assert.equal(k.results.length, 1, 'nothing runs after the killing syscall');
  const t = run({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_TRAP' }] }, [{ name: 'getppid' }]);
  assert.equal(t.signal, 'SIGSYS');
});

test('SCMP_ACT_LOG allows the syscall; flags LOG and SPEC_ALLOW are accepted', () => {
  const r = run({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'], architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_LOG' }] }, [{ name: 'getppid' }]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.results[0].rc > 0);
});

test('config errors name the field', () => {
  const bad: [Seccomp, RegExp][] = [
    [{ defaultAction: 'SCMP_ACT_NOPE' }, /\/linux\/seccomp\/defaultAction: unknown seccomp action `SCMP_ACT_NOPE`/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_KILL', errnoRet: 1 }] }, /\/linux\/seccomp\/syscalls\/0\/action: errnoRet is only valid/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_XX' }] }] }, /\/linux\/seccomp\/syscalls\/0\/args\/0\/op: unknown seccomp operator/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_VAX'] }, /\/linux\/seccomp\/architectures\/0: unknown architecture/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] }, /\/linux\/seccomp\/flags\/0: `SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV` is not supported by libseccomp/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_NOTIFY' }] }, /\/linux\/seccomp\/listenerPath: required/],
  ];
  for (const [cfg, re] of bad) {
    const r = run(cfg, [{ name: 'getpid' }]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, re);
  }
});

test('SCMP_ACT_NOTIFY hands the notify fd and the process state to the agent at listenerPath', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-seccomp-'));
  const agent = new Agent(join(dir, 'agent.sock'));
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD,
    JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: agent.path, listenerMetadata: 'hello agent', syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_NOTIFY' }] }),
    JSON.stringify([{ name: 'getppid' }]),
    JSON.stringify({ state: { ociVersion: '1.3.0', id: 'sc1', status: 'creating', bundle: dir } })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  t.after(() => {
    child.kill('SIGKILL');
    agent.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const got = await agent.receive();
  try {
    assert.deepEqual(got.message.fds, ['seccompFd']);
    assert.equal(got.message.metadata, 'hello agent');
    assert.equal(got.message.pid, child.pid);
    assert.deepEqual(got.message.state, { ociVersion: '1.3.0', id: 'sc1', status: 'creating', bundle: dir });
    assert.match(readlinkSync(`/proc/self/fd/${got.fd}`), /seccomp notify/);
    const seen = await agent.answer(got.fd, 4242);
    assert.equal(seen.nr, resolveSyscall('getppid'));
    assert.equal(seen.pid, child.pid);
  } finally {
    closeSync(got.fd);
  }
  assert.equal(await exited, 0, err);
  assert.deepEqual(JSON.parse(out.trim()), { rc: 4242, errno: 0 });
});

test('multi-arch: a rule x86 cannot hold (socketcall) is skipped there only; x86_64 keeps it', () => {
  // On 32-bit x86 socket(2) goes through socketcall(2), whose arguments a filter cannot see:
  // both rules become "socketcall(SYS_SOCKET)" with different actions there (EEXIST), as podman's default profile does.
  const r = run(
    { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], syscalls: [
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 22, args: [{ index: 0, value: 16, op: 'SCMP_CMP_EQ' }, { index: 2, value: 9, op: 'SCMP_CMP_EQ' }] },
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 23, args: [{ index: 0, value: 2, op: 'SCMP_CMP_EQ' }] },
    ] },
    [{ name: 'socket', args: [16, 3, 9] }, { name: 'socket', args: [2, 1, 0] }, { name: 'socket', args: [1, 1, 0] }],
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.results[0].errno, 22);
  assert.equal(r.results[1].errno, 23);
  assert.ok(r.results[2].rc >= 0, 'an AF_UNIX socket is allowed');
  assert.match(r.stderr, /skipped on that architecture: socket on SCMP_ARCH_X86 \(\/linux\/seccomp\/syscalls\/1\/names\/0\)/);
});
