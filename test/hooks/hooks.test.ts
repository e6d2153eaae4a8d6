// Hooks run as real processes (busybox sh), both the async runner (runtime
// side) and the sync one (init stage): stdin, argv0, env, exit status,
// timeout, and the poststop rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHooks, runHooksSync } from '../../helper/runtime/hooks';
import type { Hook, State } from '../../helper/spec/types';
import { BUSYBOX } from '../fixtures/bundle';

function tmp(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-hooks-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const sh = (script: string, env: string[] = [], extra: Partial<Hook> = {}): Hook => ({ path: BUSYBOX, args: ['sh', '-c', script, 'hook-name'], env, ...extra });

for (const mode of ['async', 'sync'] as const) {
  const run = (kind: Parameters<typeof runHooks>[0], hooks: Hook[], state: State, warn?: (m: string) => void) =>
    mode === 'async' ? runHooks(kind, hooks, state, { warn }) : new Promise<void>((resolve) => resolve(runHooksSync(kind, hooks, state, { warn })));

  test(`${mode}: a hook gets the state on stdin, args[0] as argv0, exactly the configured env, the bundle as cwd`, async (t) => {
    const d = tmp(t);
    process.env.BERTH_HOOK_LEAK = 'leaked';
    t.after(() => delete process.env.BERTH_HOOK_LEAK);
    const state: State = { ociVersion: '1.3.0', id: 'h1', status: 'created', pid: 4242, bundle: d, annotations: { a: 'b' } };
    await run('prestart', [sh('cat > state; echo "$0" > argv0; env > env; pwd > cwd', ['FOO=bar baz', 'ONLY=1'])], state);
    assert.deepEqual(JSON.parse(readFileSync(join(d, 'state'), 'utf8')), state);
    assert.equal(readFileSync(join(d, 'argv0'), 'utf8').trim(), 'hook-name');
    const env = readFileSync(join(d, 'env'), 'utf8');
    assert.match(env, /^FOO=bar baz$/m);
    assert.match(env, /^ONLY=1$/m);
    assert.doesNotMatch(env, /BERTH_HOOK_LEAK/, 'the runtime environment must not leak into hooks');
    assert.equal(readFileSync(join(d, 'cwd'), 'utf8').trim(), d);
  });

  test(`${mode}: a hook without env inherits the runtime's environment, as runc does`, async (t) => {
    const d = tmp(t);
    process.env.BERTH_HOOK_INHERIT = 'inherited';
    t.after(() => delete process.env.BERTH_HOOK_INHERIT);
    const state: State = { ociVersion: '1.3.0', id: 'h0', status: 'created', pid: 4242, bundle: d };
    await run('prestart', [{ path: '/bin/sh', args: ['sh', '-c', 'env > env'] }], state);
    assert.match(readFileSync(join(d, 'env'), 'utf8'), /^BERTH_HOOK_INHERIT=inherited$/m);
  });

  test(`${mode}: a failing hook fails with its pointer, exit status and stderr; later hooks do not run`, async (t) => {
    const d = tmp(t);
    const state: State = { ociVersion: '1.3.0', id: 'h2', status: 'creating', bundle: d };
    await assert.rejects(
      run('createRuntime', [sh('true'), sh('echo boom >&2; exit 3'), sh('touch ran')], state),
      /^Error: \/hooks\/createRuntime\/1: error running hook `\/bin\/busybox`: exited with status 3: stderr: boom$/,
    );
    assert.equal(existsSync(join(d, 'ran')), false);
  });

  test(`${mode}: a hook past its timeout is killed and fails the operation`, async (t) => {
    const d = tmp(t);
    const t0 = Date.now();
    await assert.rejects(run('poststart', [sh('sleep 30', [], { timeout: 1 })], { ociVersion: '1.3.0', id: 'h3', status: 'running', pid: 1, bundle: d }), /\/hooks\/poststart\/0: error running hook `\/bin\/busybox`: timed out after 1s and was killed/);
    const ms = Date.now() - t0;
    assert.ok(ms >= 900 && ms < 10000, `took ${ms} ms`);
  });

  test(`${mode}: a hook that cannot be run names its path`, async (t) => {
    const d = tmp(t);
    await assert.rejects(run('startContainer', [{ path: join(d, 'missing') }], { ociVersion: '1.3.0', id: 'h4', status: 'created', pid: 1, bundle: d }), /\/hooks\/startContainer\/0: error running hook `.*missing`: could not run: ENOENT/);
  });

  test(`${mode}: poststop failures only warn and the remaining hooks still run`, async (t) => {
    const d = tmp(t);
    const warnings: string[] = [];
    await run('poststop', [sh('exit 1'), sh('touch ran')], { ociVersion: '1.3.0', id: 'h5', status: 'stopped', bundle: d }, (m) => warnings.push(m));
    assert.equal(existsSync(join(d, 'ran')), true);
    assert.deepEqual(warnings, ['/hooks/poststop/0: error running hook `/bin/busybox`: exited with status 1']);
  });
}
