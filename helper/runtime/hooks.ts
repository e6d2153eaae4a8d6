// OCI lifecycle hooks (config.md "POSIX-platform Hooks", runtime.md
// "Lifecycle"). Each hook is run with exactly the args (args[0] is argv0) and
// env of the config, the container state as JSON on stdin, and its optional
// timeout in seconds. Hooks of one kind run in order; which failure fails the
// operation follows runtime-spec v1.3: every kind but poststop stops at the
// first failing hook and fails the operation (the caller then stops and
// deletes the container); poststop failures are warnings and the remaining
// hooks still run.
//
// Where each kind runs (the caller's job): prestart and createRuntime in the
// runtime's namespaces after the container's namespaces exist; createContainer
// in the container's namespaces before pivot_root and startContainer there
// before execve (both from the init stage, hence runHooksSync); poststart
// after the user process started, before `start` returns; poststop after
// the container is deleted.
import { spawn, spawnSync } from 'node:child_process';
import type { Hook, Hooks, State } from '../spec/types';

export type HookKind = keyof Hooks;

export interface HookOptions {
  /** Where a poststop failure is reported (it does not fail the operation). */
  warn?: (msg: string) => void;
  /** Working directory of the hook; default the bundle, like runc (which runs from it). */
  cwd?: string;
}

/** Output kept from a hook for its error message. */
const OUTPUT_LIMIT = 4096;

function pointer(kind: HookKind, i: number): string {
  return `/hooks/${kind}/${i}`;
}

/**
 * `KEY=VALUE` strings as the environment object spawn wants. A hook with an
 * `env` gets exactly that; a hook without one inherits the runtime's own
 * environment, as runc and crun do (hooks such as nvidia's rely on PATH), and
 * crun's suite checks it (test-hook-env-inherit).
 */
function envObject(env: string[] | undefined): Record<string, string | undefined> {
  if (env === undefined) return { ...process.env };
  const out: Record<string, string> = {};
  for (const e of env) {
    const eq = e.indexOf('=');
    if (eq > 0) out[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return out;
}

function plan(hook: Hook, state: State, opts: HookOptions) {
  const args = hook.args ?? [hook.path];
  return {
    file: hook.path,
    args: args.slice(1),
    options: { argv0: args[0] ?? hook.path, env: envObject(hook.env), cwd: opts.cwd ?? (state.bundle || undefined) },
    input: JSON.stringify(state),
    timeoutMs: hook.timeout !== undefined && hook.timeout > 0 ? hook.timeout * 1000 : undefined,
  };
}

function describe(where: string, hook: Hook, outcome: string, stderr: string, stdout: string): string {
  const out = [stderr.trim() && `stderr: ${stderr.trim().slice(-OUTPUT_LIMIT)}`, stdout.trim() && `stdout: ${stdout.trim().slice(-OUTPUT_LIMIT)}`].filter(Boolean).join('; ');
  // "error running hook" is runc's wording, which its callers and tests look for.
  return `${where}: error running hook \`${hook.path}\`: ${outcome}${out ? `: ${out}` : ''}`;
}

/** strsignal(3)'s words for the signals a hook is likely to die of (a seccomp filter's kill is SIGSYS). */
const SIGNAL_TEXT: Record<string, string> = { SIGSYS: 'bad system call', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted', SIGKILL: 'killed', SIGTERM: 'terminated', SIGBUS: 'bus error' };

/** What failed, or undefined when the hook succeeded. */
function outcome(err: NodeJS.ErrnoException | undefined, code: number | null, signal: string | null, timedOut: boolean, hook: Hook): string | undefined {
  if (timedOut) return `timed out after ${hook.timeout}s and was killed`;
  if (err) return `could not run: ${err.code ?? err.message}`;
  if (signal) return `was killed by ${signal}${SIGNAL_TEXT[signal] ? ` (${SIGNAL_TEXT[signal]})` : ''}`;
  if (code !== 0) return `exited with status ${code}`;
  return undefined;
}

function runOne(kind: HookKind, i: number, hook: Hook, state: State, opts: HookOptions): Promise<string | undefined> {
  const p = plan(hook, state, opts);
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnErr: NodeJS.ErrnoException | undefined;
    const child = spawn(p.file, p.args, { ...p.options, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = p.timeoutMs !== undefined ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), p.timeoutMs) : undefined;
    child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-OUTPUT_LIMIT)));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-OUTPUT_LIMIT)));
    // A hook that does not read its stdin closes the pipe: not a failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(p.input);
    child.on('error', (e) => (spawnErr = e));
    const finish = (code: number | null, signal: string | null) => {
      if (timer) clearTimeout(timer);
      const what = outcome(spawnErr, code, signal, timedOut, hook);
      resolve(what && describe(pointer(kind, i), hook, what, stderr, stdout));
    };
    child.on('close', finish);
    // A killed hook's own children may hold its pipes open: do not wait for them.
    child.on('exit', (code, signal) => {
      if (timedOut) {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }
    });
  });
}

function failOrWarn(kind: HookKind, msg: string, opts: HookOptions): void {
  if (kind !== 'poststop') throw new Error(msg);
  opts.warn?.(msg);
}

/** Runs the hooks of one kind in order (from the runtime's process). */
export async function runHooks(kind: HookKind, hooks: Hook[] | undefined, state: State, opts: HookOptions = {}): Promise<void> {
  for (const [i, hook] of (hooks ?? []).entries()) {
    const msg = await runOne(kind, i, hook, state, opts);
    if (msg) failOrWarn(kind, msg, opts);
  }
}

/**
 * The same, blocking: for the init stage, which runs createContainer and
 * startContainer inside the container's namespaces with synchronous calls
 * only (libuv's pool threads are not in the container's mount namespace).
 */
export function runHooksSync(kind: HookKind, hooks: Hook[] | undefined, state: State, opts: HookOptions = {}): void {
  for (const [i, hook] of (hooks ?? []).entries()) {
    const p = plan(hook, state, opts);
    const r = spawnSync(p.file, p.args, { ...p.options, input: p.input, timeout: p.timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const err = r.error as NodeJS.ErrnoException | undefined;
    const timedOut = err?.code === 'ETIMEDOUT';
    const what = outcome(timedOut || err?.code === 'EPIPE' ? undefined : err, r.status, r.signal, timedOut, hook);
    if (what) failOrWarn(kind, describe(pointer(kind, i), hook, what, r.stderr ?? '', r.stdout ?? ''), opts);
  }
}
