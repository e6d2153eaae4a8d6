// Server→client notifications. berthd sends `event` for lifecycle changes to
// each subscription, `output` for console or log bytes to each attached
// session, and `bundleProgress`/`bundleFinished` for a bundle job to the
// connection that started it. Clients send no notifications except JSON-RPC's `$/cancelRequest`.
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
  bundleProgress: 'bundleProgress',
  bundleFinished: 'bundleFinished',
} as const;

/** The stage of a debootstrap job, from its `I:` lines. */
export type BundlePhase = 'start' | 'release' | 'resolve' | 'retrieve' | 'validate' | 'extract' | 'install' | 'unpack' | 'configure' | 'config' | 'other';

/** One step of a long bundle job (`bundle.debootstrap`), sent to the connection that started it. */
export interface BundleProgressNotification {
  job: string;
  phase: BundlePhase;
  /** The tool's own words for the step (`Retrieving libc6 2.36-9`). */
  step: string;
  /** 0–100, a rough estimate from the phase; absent when unknown. */
  percent?: number;
}

/** The end of a bundle job, always sent once (unless the connection is gone). */
export interface BundleFinishedNotification {
  job: string;
  outcome: 'done' | 'failed' | 'cancelled';
  /** Path of the config.json written, when done. */
  config?: string;
  /** What went wrong, naming the object and cause, when failed. */
  error?: string;
}
