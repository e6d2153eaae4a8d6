// The contract between the runtime library and its two front ends: the
// daemonless `berth` CLI (helper/cli) and the root daemon berthd
// (helper/daemon). Both operate on one state directory (`root`), so they see
// the same containers. Everything here is synchronous-looking from the
// caller's side but returns promises: berthd serves many containers at once.
import type { Spec, State } from '../spec/types';

export interface RuntimeContext {
  /** State directory, default /run/berth; one subdirectory per container id. */
  root: string;
  /** Debug/diagnostic log sink; the CLI maps it to --log/--log-format. */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export interface CreateOptions {
  id: string;
  /** Bundle directory (absolute after resolution); config.json is read from it. */
  bundle: string;
  pidFile?: string;
  /** runc's --console-socket: a Unix socket that receives the pty master via SCM_RIGHTS. */
  consoleSocket?: string;
  /** An already connected socket fd that receives the pty master (berthd, `run` on the caller's tty). */
  consoleFd?: number;
  /** crun's --config: read the config from this file instead of <bundle>/config.json. */
  configFile?: string;
  /** Entries added to process.env (socket activation: LISTEN_FDS, LISTEN_PID). */
  env?: string[];
  noPivot?: boolean;
  /**
   * Bind sources are reached only as the container's root reaches them by
   * path, never through a copy the runtime opens with its own privilege
   * (hostfds.ts): berthd --strict, where that root is an unprivileged caller.
   */
  unprivilegedSources?: boolean;
  /** Number of fds after 0-2 passed through to the container (runc --preserve-fds). */
  preserveFds?: number;
  /** The caller's NOTIFY_SOCKET: the container gets a socket whose READY=1 `start` relays there (notify.ts). */
  notifySocket?: string;
  /** stdio of the container's process; default: the caller's 0, 1, 2. */
  stdio?: [number, number, number];
  /**
   * Called once this create has claimed the id (made <root>/<id>), before it
   * puts anything there, with the directory's identity (Store.identity). A
   * caller that may have to undo its create later (berthd, after a failure
   * or a kill -9) keeps it: only a directory with that identity is its own
   * (removeOwn, lifecycle.ts). A create that never calls it claimed nothing.
   */
  onReserved?: (identity: string) => void;
}

/** What a finished `create` hands back to its caller. */
export interface Created {
  state: State;
  /** Resolves with the wait status once the init exits, when the caller is its parent. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The OCI state, plus when the container was created (as runc's state shows it), whoever created it. */
export type RuntimeState = State & { created?: string };

export interface Runtime {
  create(ctx: RuntimeContext, opts: CreateOptions): Promise<Created>;
  start(ctx: RuntimeContext, id: string): Promise<void>;
  state(ctx: RuntimeContext, id: string): Promise<RuntimeState>;
  list(ctx: RuntimeContext): Promise<RuntimeState[]>;
  kill(ctx: RuntimeContext, id: string, signal: string | number, all?: boolean): Promise<void>;
  delete(ctx: RuntimeContext, id: string, force?: boolean): Promise<void>;
  /** The config stored at create time (the bundle may change afterwards). */
  config(ctx: RuntimeContext, id: string): Promise<Spec>;
}
