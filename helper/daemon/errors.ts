// Errors handlers throw: each carries a protocol error code, so the
// connection turns it into the right JSON-RPC error without guessing.
// Anything else thrown (a runtime or system error) becomes RuntimeError
// with its own message, which already names the object and cause.
import { ResponseError } from 'vscode-jsonrpc';
import { ErrorCode, type ErrorCodeValue, type ErrorData } from '../protocol/errors';

export class DaemonError extends Error {
  constructor(readonly code: ErrorCodeValue, message: string, readonly data?: ErrorData) {
    super(message);
  }
}

export function notFound(id: string): DaemonError {
  return new DaemonError(ErrorCode.NotFound, `container ${id}: does not exist`, { pointer: '/id' });
}

export function notSupported(method: string): DaemonError {
  return new DaemonError(ErrorCode.NotSupported, `${method}: not supported yet by this berthd`);
}

/** The runtime library's RuntimeError kinds (helper/runtime/errors.ts) as protocol codes. */
const KIND_CODES: Record<string, ErrorCodeValue> = {
  'not-found': ErrorCode.NotFound,
  exists: ErrorCode.Exists,
  'invalid-state': ErrorCode.InvalidState,
  'bad-bundle': ErrorCode.BadBundle,
  'bad-argument': ErrorCode.InvalidParams,
  runtime: ErrorCode.RuntimeError,
};

/** The JSON-RPC error for anything a handler threw. */
export function toResponseError(e: unknown): ResponseError<ErrorData | undefined> {
  if (e instanceof DaemonError) return new ResponseError(e.code, e.message, e.data);
  const err = e as { message?: string; code?: unknown; findings?: unknown; pointer?: unknown; kind?: unknown };
  const data: ErrorData = {};
  if (Array.isArray(err?.findings)) data.findings = err.findings as ErrorData['findings'];
  if (typeof err?.pointer === 'string') data.pointer = err.pointer;
  if (typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code)) data.errno = err.code;
  const message = (err?.message ?? String(e)).replace(/\.$/, '');
  const code = (typeof err?.kind === 'string' && KIND_CODES[err.kind]) || ErrorCode.RuntimeError;
  return new ResponseError(code, message, Object.keys(data).length ? data : undefined);
}
