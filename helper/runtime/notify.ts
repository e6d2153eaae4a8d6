// systemd's readiness protocol (sd_notify) through the runtime, as runc and
// crun offer it: when `berth create`/`run` is called with NOTIFY_SOCKET set
// (systemd's Type=notify units, `podman --sdnotify=container`), the container
// gets a socket of its own to send READY=1 to, and `berth start`/`run` relays
// its readiness to the caller's socket, which the container never sees.
//
// Layout (crun's): <state>/<id>/notify/ is bind-mounted at the caller's
// NOTIFY_SOCKET path inside the container, and the container's NOTIFY_SOCKET
// names <that path>/notify. Mounting a directory of our own there, rather
// than the directory holding the caller's socket (runc's way), hides nothing
// of the container's own /run. The socket in it is bound by the `start` or
// `run` that waits; the mount shows it to the container as soon as it exists.
// The relay drops the container's MAINPID= (a pid of its own namespace) and
// names the container's init by its host pid instead.
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as C from '../linux/constants';
import { bindDgram, recvDgram, sendDgram } from '../linux/dgram';
import type { Spec } from '../spec/types';
import { RuntimeError } from './errors';

/** The socket file inside the directory the container sees at the caller's NOTIFY_SOCKET path. */
const SOCKET_NAME = 'notify';

/** Directory under the container's state directory holding the container-side socket. */
export function notifyDir(stateDir: string): string {
  return join(stateDir, 'notify');
}

/** Checks the caller's NOTIFY_SOCKET: a filesystem path (abstract sockets cannot be bind-mounted into a container). */
export function checkNotifySocket(hostSocket: string): void {
  if (!isAbsolute(hostSocket)) throw new RuntimeError(`NOTIFY_SOCKET \`${hostSocket}\`: berth relays only to a socket named by an absolute path`, 'bad-argument');
}

/** Adds the mount and the environment entry to the container's config (before it is stored and planned). */
export function addNotifyMount(spec: Spec, stateDir: string, hostSocket: string): void {
  const dir = notifyDir(stateDir);
  mkdirSync(dir, { mode: 0o755 });
  (spec.mounts ??= []).push({ destination: hostSocket, type: 'bind', source: dir, options: ['bind', 'nosuid', 'noexec', 'nodev'] });
  if (spec.process) {
    const entry = `NOTIFY_SOCKET=${join(hostSocket, SOCKET_NAME)}`;
    spec.process.env = [...(spec.process.env ?? []).filter((e) => !e.startsWith('NOTIFY_SOCKET=')), entry];
  }
}

export interface NotifyRelay {
  /** Resolves once READY=1 has been relayed, or when `alive` says the container is gone. */
  ready(pid: number, alive: () => boolean): Promise<boolean>;
  close(): void;
}

/** Binds the container-side socket; call before `start` so that no early message is lost. */
export function openNotifyRelay(stateDir: string, hostSocket: string): NotifyRelay {
  // Any user in the container may report readiness, as under systemd: the
  // socket is made 0777 by bind itself. Never chmod it by path afterwards:
  // the directory is the container's, which can rename a symlink to a host
  // file over the fresh socket (`start` on a running container).
  // Bound through a fd of its directory: <root>/<id>/notify/notify can pass
  // the 107 bytes a socket address holds (a long --root or id).
  const dir = openSync(notifyDir(stateDir), C.O_PATH | C.O_DIRECTORY | C.O_CLOEXEC);
  const old = process.umask(0);
  let fd: number;
  try {
    fd = bindDgram(`/proc/self/fd/${dir}/${SOCKET_NAME}`, 200);
  } finally {
    process.umask(old);
    closeSync(dir);
  }
  let closed = false;
  let waiting = false;
  return {
    async ready(pid, alive) {
      waiting = true;
      try {
        while (!closed) {
          const msg = await recvDgram(fd);
          if (msg === undefined) {
            if (!alive()) return false;
            continue;
          }
          const lines = msg.toString('utf8').split('\n').filter((l) => l && !l.startsWith('MAINPID='));
          const ready = lines.includes('READY=1');
          if (ready) lines.push(`MAINPID=${pid}`);
          sendDgram(hostSocket, Buffer.from(lines.join('\n')));
          if (ready) return true;
        }
        return false;
      } finally {
        waiting = false;
        // A receive in flight holds the fd until its timeout: close it only once nothing waits on it.
        if (closed) closeSync(fd);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      if (!waiting) closeSync(fd);
    },
  };
}

/** The relay for container `id` under `root`, when the caller has a NOTIFY_SOCKET and the container was created with one. */
export function notifyRelayFor(root: string, id: string, hostSocket: string | undefined): NotifyRelay | undefined {
  const stateDir = join(root, id);
  if (!hostSocket || !existsSync(notifyDir(stateDir))) return undefined;
  return openNotifyRelay(stateDir, hostSocket);
}
