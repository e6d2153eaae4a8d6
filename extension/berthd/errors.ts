// What a failed berthd request looks like to the rest of the extension: the
// JSON-RPC error code and data (which config field, which errno) survive, so
// Run Bundle can put a create failure on the field's line.
import { ResponseError } from 'vscode-jsonrpc';
import { ErrorCode, type ErrorData } from '../../helper/protocol/errors';

export class BerthdError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly data: ErrorData | undefined,
    readonly method: string,
  ) {
    super(message);
    this.name = 'BerthdError';
  }

  static from(method: string, e: unknown): BerthdError {
    if (e instanceof BerthdError) return e;
    if (e instanceof ResponseError) return new BerthdError(e.message, e.code, e.data as ErrorData | undefined, method);
    const message = e instanceof Error ? e.message : String(e);
    return new BerthdError(message, ErrorCode.InternalError, undefined, method);
  }
}

/** Raised when a request is made while no connection to berthd is up. */
export class NotConnectedError extends BerthdError {
  constructor(method: string, socket: string, cause?: string) {
    super(`berthd is not connected (${socket})${cause ? `: ${cause}` : ''}`, -1, undefined, method);
  }
}
