// Seccomp checked from inside a busybox container run by dist/berth: the
// container's process gets the configured errno, is killed by
// SCMP_ACT_KILL_PROCESS, and an agent at listenerPath gets the notify fd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Seccomp } from '../../helper/spec/types';
import { makeBundle } from '../fixtures/bundle';
import { ensureBuilt, Runner } from '../runtime/harness';
import { Agent } from './agent';

function runWith(t: { after(fn: () => void): void }, seccomp: Seccomp, script: string) {
  ensureBuilt();
  const r = new Runner();
  const bundle = makeBundle(['sh', '-c', script], (s) => (s.linux!.seccomp = seccomp));
  t.after(() => {
    r.cleanup();
    bundle.cleanup();
  });
  const id = `seccomp-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  return { r, bundle, id, result: () => r.run(['run', '--bundle', bundle.dir, id]) };
}

test('in a container: a denied syscall returns errnoRet, the rest works', (t) => {
  const { result } = runWith(t, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] },
    'mkdir /dev/shm/x 2>&1; echo mkdir=$?; touch /dev/shm/y && echo touch=$?; grep ^Seccomp: /proc/self/status');
  const r = result();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /can't create directory '\/dev\/shm\/x': Operation not permitted/);
  assert.match(r.stdout, /mkdir=1/);
  assert.match(r.stdout, /touch=0/);
  assert.match(r.stdout, /Seccomp:\s+2/);
});

test('in a container: SCMP_ACT_KILL_PROCESS kills the process with SIGSYS', (t) => {
  const { result } = runWith(t, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_KILL_PROCESS' }] }, 'echo before; exec mkdir /dev/shm/x');
  const r = result();
  assert.match(r.stdout, /before/);
  assert.equal(r.status, 128 + 31, `exit status ${r.status}, expected death by SIGSYS; stderr: ${r.stderr}`);
});

test('in a container: SCMP_ACT_NOTIFY sends the fd, metadata and the container state to the agent', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-seccomp-agent-'));
  const agent = new Agent(join(dir, 'agent.sock'));
  t.after(() => {
    agent.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const received = agent.receive();
  const { r, bundle, id } = runWith(t, { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: agent.path, listenerMetadata: 'from-config', syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_NOTIFY' }] }, 'sleep 1000');
  const c = r.run(['create', '--bundle', bundle.dir, id]);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(r.run(['start', id]).status, 0);
  const got = await received;
  t.after(() => closeSync(got.fd));
  const pid = r.state(id).pid;
  assert.deepEqual(got.message.fds, ['seccompFd']);
  assert.equal(got.message.metadata, 'from-config');
  assert.equal(got.message.pid, pid);
  const state = got.message.state as { id: string; pid: number; bundle: string };
  assert.equal(state.id, r.id(id));
  assert.equal(state.pid, pid);
  assert.equal(state.bundle, bundle.dir);
  assert.match(readlinkSync(`/proc/self/fd/${got.fd}`), /seccomp notify/);
});
