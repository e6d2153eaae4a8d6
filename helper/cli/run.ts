// `berth run <id>`: create + start, then (unless --detach) wait for the
// process and exit with its status, forwarding signals to it. A terminal
// container without --console-socket gets a pty whose master this process
// relays to and from the caller's terminal.
import { constants } from 'node:os';
import { notifyRelayFor } from '../runtime/notify';
import { runtime } from '../runtime/runtime';
import { CREATE_HELP, CREATE_OPTIONS, createOptions } from './createflags';
import { attachTerminal } from './terminal';
import type { Verb } from './verb';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

export const verb: Verb = {
  summary: 'create and run a container',
  usage: `berth run [command options] <container-id>\n${CREATE_HELP}\n   --detach, -d              detach from the container's process\n   --keep                    do not delete the container after it exits`,
  options: { ...CREATE_OPTIONS, detach: { type: 'boolean', short: 'd' }, keep: { type: 'boolean' } },
  positionals: [1, 1],
  async run(v, [id], g) {
    const opts = createOptions(id, v);
    const cfg = (await import('../runtime/config')).parseConfig(opts.bundle, opts.configFile);
    const ownTty = cfg.spec.process?.terminal === true && !opts.consoleSocket && !v.detach;
    const term = ownTty ? attachTerminal() : undefined;
    if (term) opts.consoleFd = term.remoteFd;
    let created;
    try {
      created = await runtime.create(g.ctx, opts);
    } catch (e) {
      term?.close();
      throw e;
    }
    term?.connect();
    const relay = notifyRelayFor(g.ctx.root, id, process.env.NOTIFY_SOCKET);
    let exitedYet = false;
    void created.exited.then(() => (exitedYet = true));
    const pid = created.state.pid!;
    try {
      await runtime.start(g.ctx, id);
      // Detached, run returns once the container is ready, as runc; in the foreground the relay runs beside the wait.
      const ready = relay?.ready(pid, () => !exitedYet);
      if (v.detach) await ready;
      else void ready?.catch(() => undefined);
    } catch (e) {
      relay?.close();
      throw e;
    }
    if (v.detach) {
      relay?.close();
      return 0;
    }
    for (const s of FORWARDED) process.on(s, () => { try { process.kill(pid, s); } catch { /* gone */ } });
    const { code, signal } = await created.exited;
    relay?.close();
    await term?.drain();
    term?.close();
    if (!v.keep) await runtime.delete(g.ctx, id, true).catch(() => undefined);
    return code ?? 128 + (signal ? (constants.signals as Record<string, number>)[signal] : 0);
  },
};
