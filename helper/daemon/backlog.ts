// Output a client has not read yet. berthd never slows a container for a
// viewer: the pty and the log file are read at the container's pace, and
// each `output` notification is queued to the client's socket at once
// (protocol/writer.ts), so a client that stops reading makes the socket's
// queue grow without end. A Backlog
// counts the bytes queued per connection; past its cap the connection's
// output sessions are closed (the client is told why), the rest of berthd —
// other clients, the scrollback, the log file — carries on.
/** Unsent output per client before its output sessions are closed (base64 bytes as queued). */
export const OUTPUT_BACKLOG_BYTES = 1 << 20;

export class Backlog {
  private queued = 0;

  constructor(readonly cap = OUTPUT_BACKLOG_BYTES) {}

  /** Bytes queued and not yet handed to the kernel. */
  get bytes(): number {
    return this.queued;
  }

  /** Counts n more bytes unless that passes the cap; false means the caller must not queue them. */
  admit(n: number): boolean {
    if (this.queued + n > this.cap) return false;
    this.queued += n;
    return true;
  }

  /** The write of n admitted bytes finished (or failed: the connection is going away). */
  sent(n: number): void {
    this.queued -= n;
  }
}
