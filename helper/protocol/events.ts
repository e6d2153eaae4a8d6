// Server→client notifications. berthd sends `event` for lifecycle changes to
// each subscription, and `output` for console or log bytes to each attached
// session. Clients send no notifications except JSON-RPC's `$/cancelRequest`.
import type { ContainerId, ExitStatus } from './types';

export type EventType = 'created' | 'started' | 'exited' | 'paused' | 'resumed' | 'deleted' | 'oom';

export interface ContainerEvent {
  subscription: string;
  type: EventType;
  id: ContainerId;
  /** ISO 8601. */
  time: string;
  /** Init pid for created/started. */
  pid?: number;
  /** For `exited`. */
  exitStatus?: ExitStatus;
}

export interface OutputNotification {
  session: string;
  id: ContainerId;
  /** `console` for a tty, `log` for followed non-tty output. */
  stream: 'console' | 'log';
  /** Base64 bytes. */
  data: string;
}

/** Sent when a session ends on berthd's side (container deleted, console closed). */
export interface SessionClosedNotification {
  session: string;
  id: ContainerId;
  reason: string;
}

export const Notifications = {
  event: 'event',
  output: 'output',
  sessionClosed: 'sessionClosed',
} as const;
