// `berth state` and `berth list --format json` of a container with ~200 KB of
// annotations (Kubernetes adds many), read through a pipe as podman and
// containerd-shim read them. The CLI used to exit right after an
// asynchronous write to stdout, cutting what a pipe had not taken yet: the
// reader got 65,536 bytes of JSON and could not parse it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { BERTH, runningContainer } from '../exec/helpers';

/**
 * `berth --root root args` with stdout into a pipe whose reader starts 300 ms late, as a busy caller's would (the pipe's 64 KiB
 * fill at once and Node queues the rest): bash's pipefail gives berth's exit status.
 */
function slowPipe(root: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', '"$@" | { sleep 0.3; cat; }', 'bash', BERTH, '--root', root, ...args], { encoding: 'utf8', timeout: 30_000, maxBuffer: 16 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('state and list --format json of a container with 200 KB of annotations arrive whole through a pipe', (t) => {
  const annotations: Record<string, string> = {};
  for (let i = 0; i < 200; i++) annotations[`io.kubernetes.test/annotation-${i}`] = `${i}:`.padEnd(1000, 'v');
  const { root, id } = runningContainer(t, (s) => (s.annotations = annotations));
  const state = slowPipe(root, ['state', id]);
  assert.equal(state.status, 0, state.stderr);
  assert.ok(state.stdout.length > 200_000, `state printed ${state.stdout.length} bytes`);
  assert.deepEqual((JSON.parse(state.stdout) as { annotations: Record<string, string> }).annotations, annotations);
  const list = slowPipe(root, ['list', '--format', 'json']);
  assert.equal(list.status, 0, list.stderr);
  const all = JSON.parse(list.stdout) as { id: string; annotations: Record<string, string> }[];
  assert.deepEqual(all.map((c) => c.id), [id]);
  assert.deepEqual(all[0].annotations, annotations);
});
