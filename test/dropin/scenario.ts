// The drop-in scenario, the same for podman and ctr: what a user does with a
// runtime through a caller that reaps the container itself (conmon, the
// containerd shim). Each step is checked by what the caller reports and by
// what the container itself prints. Steps run in order and later ones
// depend on earlier ones; every step reports, none stops the run.
import type { Containerd } from './containerd';
import { why, type Ran } from './exec';
import { IMAGE } from './image';
import { podmanCgroups, ULIMITS, type Podman } from './podman';

export interface StepResult {
  /** e.g. "podman/exec-hostname" */
  name: string;
  ok: boolean;
  detail: string;
}

/** An exec that hangs should cost CI seconds, not minutes. */
const EXEC_TIMEOUT_MS = 20_000;

/** A container that ends cleanly on SIGTERM (PID 1 ignores TERM without a handler). */
const LONG_RUNNING = ['sh', '-c', 'trap "exit 0" TERM; sleep 300 & wait'];

function step(results: StepResult[], name: string, r: Ran, ok: boolean, expect: string): void {
  results.push({ name, ok, detail: ok ? `${r.ms} ms` : `expected ${expect}; got ${why(r)}; stdout ${JSON.stringify(r.stdout.trim().slice(0, 200))}` });
}

/**
 * `seccomp: 'unconfined'` runs the same steps without podman's default
 * seccomp profile, as steps named podman-unconfined/...: it keeps the rest
 * of the podman path covered while a runtime cannot load that profile.
 */
export function podmanScenario(pm: Podman, runtime: string, seccomp: 'default' | 'unconfined' = 'default'): StepResult[] {
  const prefix = seccomp === 'default' ? 'podman' : 'podman-unconfined';
  const runOpts = ['--network', 'none', ...ULIMITS, ...(seccomp === 'default' ? [] : ['--security-opt', 'seccomp=unconfined'])];
  const res: StepResult[] = [];
  const p = (args: string[], t?: number) => pm.podman(runtime, args, t);
  const name = `dropin-${process.pid}-${seccomp}`;

  let r = p(['run', '--rm', ...runOpts, IMAGE, 'echo', 'hello']);
  step(res, `${prefix}/run-echo`, r, r.code === 0 && r.stdout.trim() === 'hello', 'exit 0 and "hello"');

  r = p(['run', '--rm', ...runOpts, IMAGE, 'sh', '-c', 'exit 3']);
  step(res, `${prefix}/run-exit-code`, r, r.code === 3, 'podman to pass exit code 3 through');

  r = p(['run', '-d', '--name', name, '--hostname', 'berth-dropin', ...runOpts, IMAGE, ...LONG_RUNNING]);
  const id = /^[0-9a-f]{64}$/m.exec(r.stdout)?.[0] ?? '';
  if (id) pm.containerIds.push(id);
  const status = p(['inspect', '--format', '{{.State.Status}}', name]);
  step(res, `${prefix}/run-detached`, r, r.code === 0 && status.stdout.trim() === 'running', `a running container (inspect: ${status.stdout.trim() || why(status)})`);

  r = p(['exec', name, 'hostname'], EXEC_TIMEOUT_MS);
  step(res, `${prefix}/exec-hostname`, r, r.code === 0 && r.stdout.trim() === 'berth-dropin', 'the container\'s hostname "berth-dropin"');

  r = p(['exec', name, 'cat', '/proc/1/cmdline'], EXEC_TIMEOUT_MS);
  step(res, `${prefix}/exec-same-pid-namespace`, r, r.code === 0 && r.stdout.includes('trap'), "PID 1 of exec's pid namespace to be the container's sh");

  // A process that outlives the runtime's own `exec`: the caller (conmon)
  // must still get its exit status, whoever reaps first.
  r = p(['exec', name, 'sh', '-c', 'sleep 2; echo slept'], EXEC_TIMEOUT_MS);
  step(res, `${prefix}/exec-long`, r, r.code === 0 && r.stdout.trim() === 'slept', 'exit 0 and "slept" from a 2 s exec');

  r = p(['stop', '--time', '10', name], 30_000);
  const exit = p(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', name]);
  step(res, `${prefix}/stop`, r, r.code === 0 && exit.stdout.trim() === 'exited 0' && r.ms < 9_000, `a graceful stop by SIGTERM in < 9 s, "exited 0" (inspect: ${exit.stdout.trim() || why(exit)}, ${r.ms} ms)`);

  r = p(['rm', name]);
  const left = p(['ps', '--all', '--quiet']);
  step(res, `${prefix}/rm`, r, r.code === 0 && left.code === 0 && left.stdout.trim() === '', `no container left (ps -aq: ${JSON.stringify(left.stdout.trim())})`);

  // podman's cgroupfs layout: /libpod_parent/libpod-<full id> in each hierarchy
  const cgroups = id ? podmanCgroups(id) : [];
  step(res, `${prefix}/rm-removes-cgroups`, r, id !== '' && cgroups.length === 0, `no cgroup of container ${id.slice(0, 12)} left (found ${cgroups.join(', ')})`);
  return res;
}

export function ctrScenario(cd: Containerd, runtime: string): StepResult[] {
  const res: StepResult[] = [];
  const rtFlags = ['--snapshotter', 'native', '--runc-binary', runtime, '--runc-root', `${cd.dir}/${runtime.split('/').pop()}-state`];
  const id = `dropin-${process.pid}-${runtime.split('/').pop()}`;

  let r = cd.ctr(['run', '--rm', ...rtFlags, IMAGE, `${id}-echo`, 'echo', 'hello']);
  step(res, 'ctr/run-echo', r, r.code === 0 && r.stdout.trim() === 'hello', 'exit 0 and "hello"');

  r = cd.ctr(['run', '--rm', ...rtFlags, IMAGE, `${id}-exit`, 'sh', '-c', 'exit 3']);
  step(res, 'ctr/run-exit-code', r, r.code === 3, 'ctr to pass exit code 3 through');

  r = cd.ctr(['run', '-d', ...rtFlags, IMAGE, id, ...LONG_RUNNING]);
  const tasks = () => cd.ctr(['task', 'ls']).stdout.split('\n').find((l) => l.split(/\s+/)[0] === id) ?? '';
  step(res, 'ctr/run-detached', r, r.code === 0 && /RUNNING/.test(tasks()), `a RUNNING task (task ls: ${JSON.stringify(tasks())})`);

  r = cd.ctr(['task', 'exec', '--exec-id', 'e1', id, 'cat', '/proc/1/cmdline'], EXEC_TIMEOUT_MS);
  step(res, 'ctr/exec-same-pid-namespace', r, r.code === 0 && r.stdout.includes('trap'), "PID 1 of exec's pid namespace to be the container's sh");

  r = cd.ctr(['task', 'exec', '--exec-id', 'e2', id, 'sh', '-c', 'sleep 2; echo slept'], EXEC_TIMEOUT_MS);
  step(res, 'ctr/exec-long', r, r.code === 0 && r.stdout.trim() === 'slept', 'exit 0 and "slept" from a 2 s exec');

  r = cd.ctr(['task', 'kill', id]);
  const end = Date.now() + 9_000;
  while (!/STOPPED/.test(tasks()) && Date.now() < end) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  step(res, 'ctr/kill-TERM', r, r.code === 0 && /STOPPED/.test(tasks()), `the task STOPPED within 9 s of SIGTERM (task ls: ${JSON.stringify(tasks())})`);

  r = cd.ctr(['task', 'delete', id]);
  const rm = cd.ctr(['container', 'rm', id]);
  const left = cd.ctr(['container', 'ls', '--quiet']);
  step(res, 'ctr/delete', r, r.code === 0 && rm.code === 0 && left.stdout.trim() === '', `task and container removed (container ls: ${JSON.stringify(left.stdout.trim())}; rm: ${why(rm)})`);
  return res;
}
