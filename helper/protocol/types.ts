// Params and results of every berthd method. A method's params are always a
// JSON object (named params); ids are runc-style container ids
// (see schemas.ts, CONTAINER_ID_PATTERN). Bytes (console and log data) travel
// base64-encoded so that any output, including broken UTF-8, survives JSON.
import type { Resources, Process, Spec, State, Status } from '../spec/types';

export type ContainerId = string;

/** How the container's init ended, recorded by berthd (its parent or subreaper). */
export interface ExitStatus {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  /** Signal name (`SIGKILL`) when killed by one, else null. */
  signal: string | null;
  /** ISO 8601 time berthd saw the exit. */
  at: string;
  /**
   * Why code and signal are both null: the container outlived a berthd
   * restart, so berthd was not its parent and could not read its status;
   * says when the exit happened as far as berthd can tell.
   */
  note?: string;
}

/** What `state` and `list` report: the OCI state plus what berthd knows about the container. */
export interface ContainerInfo extends State {
  /** Status read from the process itself (not a stale file). */
  status: Status;
  /** ISO 8601 creation time, when known. */
  created?: string;
  /** Whether process.terminal is set, i.e. `attach` has a console to serve. */
  terminal: boolean;
  /** `berthd` when this berthd created it (exit status and console available), `external` for the CLI. */
  owner: 'berthd' | 'external';
  /** Present once the init has exited and berthd saw it. */
  exitStatus?: ExitStatus;
}

// --- hello -----------------------------------------------------------------

export interface HelloParams {
  /** The client's PROTOCOL_VERSION. */
  protocol: number;
  /** Free text naming the client, logged in the audit log (`berth-vscode/0.1.0`). */
  client: string;
}

export interface HelloResult {
  protocol: number;
  /** berthd's version (package.json). */
  server: string;
  pid: number;
  /** State directory berthd serves. */
  root: string;
  /** What berthd knows about the caller, from SO_PEERCRED. */
  peer: { uid: number; gid: number; pid: number; strict: boolean };
  /** Methods this berthd implements; the rest answer NotSupported. */
  methods: string[];
}

// --- lifecycle ---------------------------------------------------------------

export interface IdParams {
  id: ContainerId;
}

export interface CreateParams {
  id: ContainerId;
  /** Absolute path of the bundle directory (config.json inside); must not be a symlink. */
  bundle: string;
  /** Initial console size for process.terminal containers. */
  consoleSize?: { rows: number; cols: number };
}

export type RunParams = CreateParams;

export interface KillParams {
  id: ContainerId;
  /** Signal name (`SIGTERM`, `TERM`) or number; default SIGTERM. */
  signal?: string | number;
  /** Signal every process of the container, not only the init. */
  all?: boolean;
}

export interface DeleteParams {
  id: ContainerId;
  /** Kill a running container first (runc delete --force). */
  force?: boolean;
}

export interface ListResult {
  containers: ContainerInfo[];
}

export interface ExecParams {
  id: ContainerId;
  process: Process;
  consoleSize?: { rows: number; cols: number };
}

export interface ExecResult {
  /** Host pid of the new process. */
  pid: number;
  /**
   * For process.terminal: a console session on this connection, used like
   * one from `attach` (output notifications, write, resize, detach); it is
   * closed with `sessionClosed` when the process ends.
   */
  session?: string;
}

export interface PsResult {
  /** Host pids of every process in the container's cgroup. */
  pids: number[];
}

export interface UpdateParams {
  id: ContainerId;
  resources: Resources;
}

/** Counters read from the container's cgroup; each absent when its controller is. */
export interface StatsResult {
  cpu?: { usageNanos: number };
  memory?: { usageBytes: number; limitBytes?: number; maxUsageBytes?: number; oomKills?: number };
  pids?: { current: number; limit?: number };
}

export interface SpecParams {
  rootless?: boolean;
}

export type SpecResult = Spec;

/** Unknown to the protocol: the OCI features document (features.md) as the runtime produces it. */
export type FeaturesResult = Record<string, unknown>;

// --- events ------------------------------------------------------------------

export interface SubscribeParams {
  /** Only these containers; all when absent. */
  ids?: ContainerId[];
}

export interface SubscribeResult {
  /** Names the subscription in `event` notifications and `unsubscribe`. */
  subscription: string;
}

export interface UnsubscribeParams {
  subscription: string;
}

// --- console and logs ----------------------------------------------------------

export interface AttachParams {
  id: ContainerId;
  /** Replay the scrollback buffer first (default true). */
  replay?: boolean;
}

export interface AttachResult {
  /** Names this attachment in `output` notifications, `write`, `resize`, `detach`. */
  session: string;
  /** Base64 of the scrollback (up to SCROLLBACK_BYTES) when replay was asked. */
  scrollback: string;
}

export interface WriteParams {
  session: string;
  /** Base64 bytes for the console's input. */
  data: string;
}

export interface ResizeParams {
  session: string;
  rows: number;
  cols: number;
}

export interface SessionParams {
  session: string;
}

export interface LogsParams {
  id: ContainerId;
  /** Keep sending new output as `output` notifications until `detach`. */
  follow?: boolean;
  /** Only the last N bytes of what is stored (default: all that is kept). */
  tail?: number;
}

export interface LogsResult {
  /** Base64 of the stored log (stdout and stderr interleaved as written). */
  data: string;
  /** Present when follow was set: the session to `detach`. */
  session?: string;
}

/** An empty result; methods that only act return `{}`. */
export type Empty = Record<string, never>;

// --- bundles -------------------------------------------------------------------

export interface DebootstrapParams {
  /**
   * Absolute path of the bundle to make: a directory that does not exist yet
   * (berthd creates it; its parent must exist) or an empty one, never a symlink.
   * The rootfs goes to `<dir>/rootfs`, then config.json as `berth spec` writes it.
   */
  dir: string;
  /** Debian or Ubuntu suite (`bookworm`, `noble`). */
  suite: string;
  /** Archive URL; debootstrap's default for the suite when absent. */
  mirror?: string;
  /** debootstrap --variant; default `minbase`. */
  variant?: 'minbase' | 'buildd' | 'fakechroot';
}

export interface JobResult {
  /** Names the job in `bundleProgress` and `bundleFinished` notifications and in `bundle.cancel`. */
  job: string;
}

export interface JobParams {
  job: string;
}
