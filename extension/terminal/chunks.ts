// Splitting terminal input for `write` requests. A large paste must reach
// the console whole and in order: each request stays far below berthd's
// MAX_MESSAGE_BYTES after base64 (4/3) and JSON framing, and requests go
// out one after another on the one connection, which keeps their order.
import { MAX_MESSAGE_BYTES } from '../../helper/protocol/version';

/** Raw bytes per write request: base64 of it plus the envelope fits MAX_MESSAGE_BYTES with room to spare. */
export const WRITE_CHUNK_BYTES = Math.min(64 * 1024, Math.floor((MAX_MESSAGE_BYTES * 3) / 4) - 1024);

export function* chunks(data: Buffer, size: number = WRITE_CHUNK_BYTES): Generator<Buffer> {
  for (let off = 0; off < data.length; off += size) yield data.subarray(off, off + size);
}
