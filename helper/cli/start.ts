// `berth start <id>`: lets a created container's process run. With
// NOTIFY_SOCKET set (and the container created with it), waits until the
// container reports READY=1 and relays it (helper/runtime/notify.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { notifyDir, openNotifyRelay } from '../runtime/notify';
import { runtime } from '../runtime/runtime';
import type { RuntimeContext } from '../runtime/api';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'executes the user defined process in a created container',
  usage: 'berth start <container-id>',
  options: {},
  positionals: [1, 1],
  async run(_v, [id], g) {
    const relay = notifyRelayFor(g.ctx, id);
    try {
      await runtime.start(g.ctx, id);
      if (relay) {
        const { pid } = await runtime.state(g.ctx, id);
        await relay.ready(pid!, () => alive(pid!));
      }
    } finally {
      relay?.close();
    }
    return 0;
  },
};

/** The relay, when the caller has NOTIFY_SOCKET and the container was created with one. */
export function notifyRelayFor(ctx: RuntimeContext, id: string): ReturnType<typeof openNotifyRelay> | undefined {
  const host = process.env.NOTIFY_SOCKET;
  const stateDir = join(ctx.root, id);
  if (!host || !existsSync(notifyDir(stateDir))) return undefined;
  return openNotifyRelay(stateDir, host);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
