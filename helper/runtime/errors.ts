// The one error type the runtime throws to its front ends. `kind` lets berthd
// map it to a protocol error code and the CLI to an exit status; `pointer`
// names the config field (RFC 6901) when the config is the cause.
export type ErrorKind = 'not-found' | 'exists' | 'invalid-state' | 'bad-bundle' | 'bad-argument' | 'runtime';

export class RuntimeError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind = 'runtime',
    readonly pointer?: string,
  ) {
    super(message);
  }
}

/** Wraps any thrown value as a RuntimeError, keeping pointer and kind when present. */
export function asRuntimeError(e: unknown): RuntimeError {
  if (e instanceof RuntimeError) return e;
  return new RuntimeError(e instanceof Error ? e.message : String(e));
}
