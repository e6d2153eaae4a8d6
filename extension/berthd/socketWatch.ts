// Connects as soon as berthd's socket answers: while the connection is down,
// the socket's path is stat'ed every `intervalMs` (a watch on /run/berth
// would miss the directory being made, and inotify says nothing about a
// socket starting to accept). A new socket (first seen, or another inode:
// berthd binds a fresh one each start) restarts the connection at once
// instead of waiting out the reconnect backoff (up to 15 s). One stat a
// second while disconnected; nothing while connected. No `vscode` here.
import { statSync } from 'node:fs';
import type { BerthdConnection } from './connection';

export class SocketWatch {
  private timer: NodeJS.Timeout | undefined;
  private seen: number | undefined;
  private readonly sub: { dispose(): void };

  constructor(
    private readonly conn: BerthdConnection,
    private readonly intervalMs = 1000,
  ) {
    this.sub = conn.onDidChangeState((s) => (s.kind === 'connected' ? this.stop() : this.start()));
    if (!conn.isConnected) this.start();
  }

  private start(): void {
    if (this.timer) return;
    this.seen = inode(this.conn.socketPath);
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref?.();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.conn.isConnected || this.conn.state.kind === 'connecting') return;
    const now = inode(this.conn.socketPath);
    if (now !== undefined && now !== this.seen) void this.conn.restart();
    this.seen = now;
  }

  dispose(): void {
    this.stop();
    this.sub.dispose();
  }
}

function inode(path: string): number | undefined {
  try {
    const s = statSync(path);
    return s.isSocket() ? s.ino : undefined;
  } catch {
    return undefined;
  }
}
