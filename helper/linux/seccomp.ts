// Seccomp for the init and exec stages: turns `linux.seccomp` into a filter
// through libseccomp (loaded by koffi) and installs it on the calling thread.
//
// Build it with prepareSeccomp() while the host's filesystem is visible (the
// libraries are loaded then); install it with load() as late as possible
// before execve, because every syscall
// Node makes afterwards goes through the filter. The filter is installed on
// the main thread only (other Node threads vanish at execve), unless the
// config asks for SECCOMP_FILTER_FLAG_TSYNC. Without no_new_privs the kernel
// requires CAP_SYS_ADMIN to install a filter, so a process that will not set
// noNewPrivileges must load it before it drops its capabilities (runc does
// the same); with noNewPrivileges, load it after setting the bit.
import type { Seccomp, State } from '../spec/types';
import { buildFilter } from './seccomp/filter';
import { libseccomp } from './seccomp/lib';
import { connectListener, prepareListener, sendToListener } from './seccomp/listener';

export { connectListener as connectSeccompListener } from './seccomp/listener';
export { ACTION_NAMES as SECCOMP_ACTIONS } from './seccomp/names';

export interface SeccompOptions {
  /**
   * A socket already connected to `listenerPath` (connectSeccompListener), for
   * a stage that has left the host's mount namespace by the time it loads the
   * filter. Without it, listenerPath is connected by prepareSeccomp.
   */
  listenerSocket?: number;
  /**
   * The container's state and the process's host pid, sent to the seccomp
   * agent; pid may be a function, asked at load time (a forked exec stage
   * learns its own host pid only then).
   */
  state?: State;
  pid?: number | (() => number);
  /** Told about what was skipped (syscall names unknown to this libseccomp). */
  warn?: (msg: string) => void;
}

/** A filter built and ready to install: everything that reads files is done. */
export interface PreparedSeccomp {
  /** Installs the filter on the calling thread (and hands the notify fd to the agent); once. */
  load(): void;
  /** Frees the filter without installing it. */
  release(): void;
}

/**
 * Builds the filter now, while the stage still sees the host's filesystem:
 * libseccomp (and libc for the agent hand-off) must be dlopen'ed before
 * pivot_root or setns into the container's mount namespace, where the
 * container's rootfs rarely has them. Config errors surface here, early.
 */
export function prepareSeccomp(seccomp: Seccomp | undefined, opts: SeccompOptions = {}): PreparedSeccomp | undefined {
  if (!seccomp) {
    if (opts.listenerSocket !== undefined) throw new Error('seccomp listener socket given without a seccomp config');
    return undefined;
  }
  const built = buildFilter(seccomp);
  const lib = libseccomp();
  let sock: number | undefined;
  try {
    if (built.unknown.length) opts.warn?.(`seccomp: ignoring syscalls unknown to libseccomp: ${built.unknown.map((u) => `${u.name} (${u.pointer})`).join(', ')}`);
    if (built.conflicts.length) opts.warn?.(`seccomp: rules conflicting with earlier ones, skipped on that architecture: ${built.conflicts.map((c) => `${c.name} on ${c.arch} (${c.pointer})`).join(', ')}`);
    if (built.notifies && !seccomp.listenerPath) throw new Error('/linux/seccomp/listenerPath: required when an action is SCMP_ACT_NOTIFY');
    sock = built.notifies ? (opts.listenerSocket ?? connectListener(seccomp.listenerPath!)) : undefined;
    if (sock !== undefined) prepareListener();
  } catch (e) {
    lib.release(built.ctx);
    throw e;
  }
  let done = false;
  return {
    release() {
      if (!done) lib.release(built.ctx);
      done = true;
    },
    load() {
      if (done) throw new Error('/linux/seccomp: the filter was already loaded or released');
      done = true;
      try {
        const rc = lib.load(built.ctx);
        if (rc < 0) throw new Error(`/linux/seccomp: load the filter: ${errName(rc)}`);
        if (sock !== undefined) {
          const fd = lib.notifyFd(built.ctx);
          if (fd < 0) throw new Error(`/linux/seccomp: get the notify fd: ${errName(fd)}`);
          const state = opts.state ?? { ociVersion: '1.3.0', id: '', status: 'creating', bundle: '' };
          sendToListener(sock, fd, { ociVersion: state.ociVersion, pid: (typeof opts.pid === 'function' ? opts.pid() : opts.pid) ?? state.pid ?? process.pid, metadata: seccomp.listenerMetadata, state });
        }
      } finally {
        lib.release(built.ctx);
      }
    },
  };
}

/** Builds and installs the config's filter on the calling thread; no-op without one. */
export function loadSeccomp(seccomp: Seccomp | undefined, opts: SeccompOptions = {}): void {
  prepareSeccomp(seccomp, opts)?.load();
}

/** True when the filter hands a notify fd to an agent, so the stage must connect to listenerPath first. */
export function seccompNeedsListener(seccomp: Seccomp): boolean {
  return seccomp.defaultAction === 'SCMP_ACT_NOTIFY' || (seccomp.syscalls ?? []).some((s) => s.action === 'SCMP_ACT_NOTIFY');
}

/** The native number of a syscall, or undefined when this libseccomp does not know the name. */
export function resolveSyscall(name: string): number | undefined {
  const nr = libseccomp().resolveName(name);
  return nr < 0 ? undefined : nr;
}

function errName(rc: number): string {
  return require('node:util').getSystemErrorName(rc);
}
