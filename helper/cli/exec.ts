// `berth exec [options] <container-id> <command> [args...]` (runc's flags):
// runs one more process in the container; without --detach waits for it,
// relays signals and exits with its status. A --tty process without
// --console-socket gets a pty relayed to the caller's terminal, as with run.
import { constants } from 'node:os';
import { resolve } from 'node:path';
import { exec } from '../runtime/exec';
import { execProcessSpec } from '../runtime/exec-process';
import { Store } from '../runtime/store';
import { attachTerminal } from './terminal';
import { ExitStatusError, UsageError, type Globals, type Values, type Verb } from './verb';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

const list = (v: unknown) => (v as string[] | undefined) ?? [];

export const verb: Verb = {
  summary: 'execute new process inside the container',
  usage: `berth exec [command options] <container-id> <command> [command options]

OPTIONS:
   --process value, -p value        path to the process.json (a whole process object; "-" for stdin)
   --tty, -t                        allocate a pseudo-TTY
   --console-socket value           path to an AF_UNIX socket which will receive the pty master
   --detach, -d                     detach from the container's process
   --pid-file value                 file to write the process id to
   --cwd value                      current working directory in the container
   --env value, -e value            set environment variables (repeatable)
   --user value, -u value           UID (format: <uid>[:<gid>])
   --additional-gids value, -g value  additional gids (repeatable)
   --cap value, -c value            add a capability to the bounding, effective and permitted sets (repeatable)
   --no-new-privs                   set the no new privileges value for the process
   --apparmor value                 set the apparmor profile for the process
   --preserve-fds value             pass N additional file descriptors to the process (default: 0)
   --process-label value, --cgroup value, --ignore-paused  accepted for compatibility; ignored`,
  options: {
    process: { type: 'string', short: 'p' },
    tty: { type: 'boolean', short: 't' },
    'console-socket': { type: 'string' },
    detach: { type: 'boolean', short: 'd' },
    'pid-file': { type: 'string' },
    cwd: { type: 'string' },
    env: { type: 'string', short: 'e', multiple: true },
    user: { type: 'string', short: 'u' },
    'additional-gids': { type: 'string', short: 'g', multiple: true },
    cap: { type: 'string', short: 'c', multiple: true },
    'no-new-privs': { type: 'boolean' },
    apparmor: { type: 'string' },
    'preserve-fds': { type: 'string' },
    'process-label': { type: 'string' },
    cgroup: { type: 'string', multiple: true },
    'ignore-paused': { type: 'boolean' },
  },
  positionals: [1, Infinity],
  commandAfter: 1,
  async run(v, [id, ...args], g) {
    if (!v.process && args.length === 0) throw new UsageError('exec: missing the command to run (or --process)');
    try {
      return await execute(v, id, args, g);
    } catch (e) {
      // runc exits 255 when the process cannot be started (no such container
      // or binary, a paused container, a --pid-file it cannot write); only
      // the process's own status is passed through.
      throw e instanceof UsageError ? e : new ExitStatusError(e, 255);
    }
  },
};

async function execute(v: Values, id: string, args: string[], g: Globals): Promise<number> {
  const fds = v['preserve-fds'] === undefined ? 0 : Number(v['preserve-fds']);
  if (!Number.isInteger(fds) || fds < 0) throw new UsageError(`--preserve-fds: \`${v['preserve-fds']}\` is not a non-negative integer`);
  const gids = list(v['additional-gids']).map((s) => {
    if (!/^\d+$/.test(s)) throw new UsageError(`--additional-gids: \`${s}\` is not a number`);
    return Number(s);
  });
  const spec = new Store(g.root).readConfig(id);
  const proc = execProcessSpec(spec, {
    processFile: v.process === undefined ? undefined : v.process === '-' ? '-' : resolve(v.process as string),
    args,
    cwd: v.cwd as string | undefined,
    env: list(v.env),
    tty: v.tty === true ? true : undefined,
    user: v.user as string | undefined,
    additionalGids: gids,
    caps: list(v.cap),
    noNewPrivs: v['no-new-privs'] === true ? true : undefined,
    apparmor: v.apparmor as string | undefined,
  });
  const consoleSocket = v['console-socket'] as string | undefined;
  const term = proc.terminal && !consoleSocket && !v.detach ? attachTerminal() : undefined;
  const log = g.ctx.log;
  log?.('debug', 'exec: starting the process', { id, args: proc.args, cwd: proc.cwd, uid: proc.user.uid, gid: proc.user.gid, terminal: proc.terminal === true });
  let done;
  try {
    done = await exec(g.ctx, { id, process: proc, pidFile: v['pid-file'] as string | undefined, consoleSocket, consoleFd: term?.remoteFd, preserveFds: fds, detach: v.detach === true });
  } catch (e) {
    term?.close();
    throw e;
  }
  log?.('debug', 'exec: process started', { id, pid: done.pid });
  term?.connect();
  if (v.detach) return 0;
  for (const s of FORWARDED) process.on(s, () => { try { process.kill(done.pid, s); } catch { /* gone */ } });
  const { code, signal } = await done.exited;
  log?.('debug', 'exec: process exited', { id, pid: done.pid, ...(signal ? { signal } : { code }) });
  await term?.drain();
  term?.close();
  return code ?? 128 + (signal ? (constants.signals as Record<string, number>)[signal] : 0);
}
