// Flags shared by `create` and `run`, and their mapping to CreateOptions.
import { resolve } from 'node:path';
import type { CreateOptions } from '../runtime/api';
import { UsageError, type Values, type Verb } from './verb';

export const CREATE_OPTIONS: Verb['options'] = {
  bundle: { type: 'string', short: 'b' },
  'pid-file': { type: 'string' },
  'console-socket': { type: 'string' },
  'no-pivot': { type: 'boolean' },
  'preserve-fds': { type: 'string' },
  'no-new-keyring': { type: 'boolean' }, // accepted: berth never creates a session keyring
  config: { type: 'string', short: 'f' }, // crun: read this config file instead of <bundle>/config.json
};

export const CREATE_HELP = `
OPTIONS:
   --bundle value, -b value  path to the root of the bundle directory (default: the current directory)
   --console-socket value    path to an AF_UNIX socket which will receive the pty master
   --pid-file value          file to write the process id to
   --no-pivot                do not use pivot_root to jail the process inside rootfs (MS_MOVE + chroot)
   --preserve-fds value      pass N additional file descriptors (3 .. 3+N-1) to the container (default: 0)
   --config value, -f value  (crun) path to the config file instead of <bundle>/config.json
   --no-new-keyring          accepted and ignored`;

export function createOptions(id: string, v: Values): CreateOptions {
  const fds = v['preserve-fds'] === undefined ? 0 : Number(v['preserve-fds']);
  if (!Number.isInteger(fds) || fds < 0) throw new UsageError(`--preserve-fds: \`${v['preserve-fds']}\` is not a non-negative integer`);
  // Socket activation, as crun: the caller's LISTEN_FDS sockets (from fd 3) go to the container's PID 1.
  const listen = Number(process.env.LISTEN_FDS ?? 0);
  const activation = Number.isInteger(listen) && listen > 0;
  return {
    id,
    env: activation ? [`LISTEN_FDS=${listen}`, 'LISTEN_PID=1'] : undefined,
    bundle: resolve((v.bundle as string | undefined) ?? '.'),
    pidFile: v['pid-file'] as string | undefined,
    consoleSocket: v['console-socket'] as string | undefined,
    noPivot: v['no-pivot'] === true,
    preserveFds: activation ? Math.max(fds, listen) : fds,
    configFile: v.config as string | undefined,
    // sd_notify, as runc and crun: the container reports readiness through `start` (helper/runtime/notify.ts).
    notifySocket: process.env.NOTIFY_SOCKET || undefined,
  };
}
