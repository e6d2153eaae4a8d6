// Error codes berthd puts in JSON-RPC error responses. The standard codes
// keep their JSON-RPC meaning; the rest sit in the implementation-defined
// range (-32000 to -32099) so that generic JSON-RPC clients still treat
// them as server errors. `data` (ErrorData) says which field or object.
import type { Finding } from '../spec/finding';

export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** The peer's uid/gid is not root and not in the allowed group; sent once, then the socket closes. */
  NotAllowed: -32001,
  /** A request other than `hello` arrived before `hello`. */
  HelloRequired: -32002,
  /** `hello` with a protocol version this berthd does not speak. */
  ProtocolMismatch: -32003,
  /** No container with that id in berthd's root. */
  NotFound: -32004,
  /** A container with that id already exists. */
  Exists: -32005,
  /** The container is not in a status that allows the request (e.g. start on running). */
  InvalidState: -32006,
  /** The method is part of the protocol but this berthd cannot do it yet. */
  NotSupported: -32007,
  /** A message larger than MAX_MESSAGE_BYTES. */
  TooLarge: -32008,
  /** The bundle or its config.json is missing, not a directory, a symlink, or invalid. */
  BadBundle: -32009,
  /** The runtime failed; the message names the object and cause like crun does. */
  RuntimeError: -32010,
  /** Strict mode refused what it cannot make safe for a non-root peer. */
  Forbidden: -32011,
  /** No console/log session with that id on this connection. */
  NoSession: -32012,
  /** No bundle job with that id on this connection (finished, or started by another client). */
  NoJob: -32013,
  /** A limit is reached: subscriptions or output sessions of this connection, or bundle jobs of this uid; end some first. */
  TooMany: -32014,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The `data` of an error response. */
export interface ErrorData {
  /** JSON pointer into the request params (`/id`) or into config.json (`/process/args/0`). */
  pointer?: string;
  /** Validation findings of config.json, same words as the editor shows. */
  findings?: Finding[];
  /** errno name (`ENOENT`) when a syscall failed. */
  errno?: string;
}
