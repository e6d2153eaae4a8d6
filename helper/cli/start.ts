// `berth start <id>`: lets a created container's process run. With
// NOTIFY_SOCKET set (and the container created with it), waits until the
// container reports READY=1 and relays it (helper/runtime/notify.ts).
import { isAlive } from '../linux/proc';
import { notifyRelayFor } from '../runtime/notify';
import { runtime } from '../runtime/runtime';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'executes the user defined process in a created container',
  usage: 'berth start <container-id>',
  options: {},
  positionals: [1, 1],
  async run(_v, [id], g) {
    const relay = notifyRelayFor(g.ctx.root, id, process.env.NOTIFY_SOCKET);
    try {
      await runtime.start(g.ctx, id);
      if (relay) {
        const { pid } = await runtime.state(g.ctx, id);
        await relay.ready(pid!, () => isAlive(pid!));
      }
    } finally {
      relay?.close();
    }
    return 0;
  },
};
