// Fixed numbers both sides of the berthd socket agree on. The protocol
// version is an integer bumped on any incompatible change; `hello` refuses a
// client whose major version differs, so an old extension gets one clear
// error instead of mysterious failures later.

export const PROTOCOL_VERSION = 1;

/** Where berthd listens unless told otherwise (`--socket`). */
export const DEFAULT_SOCKET = '/run/berth/berthd.sock';

/** Group whose members may use the socket unless told otherwise (`--group`). */
export const DEFAULT_GROUP = 'berth';

/** Largest JSON-RPC message body berthd reads; bigger ones are refused and the connection closed. */
export const MAX_MESSAGE_BYTES = 1 << 20;

/** Largest header block of one message; a client that never ends its headers is cut off. */
export const MAX_HEADER_BYTES = 8192;

/** Bytes of console output kept per container and replayed to a client on `attach`. */
export const SCROLLBACK_BYTES = 64 * 1024;

/** Largest per-container log file for non-tty output before it is rotated once (`.1`). */
export const LOG_FILE_BYTES = 4 * 1024 * 1024;
