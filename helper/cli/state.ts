// `berth state <id>`: the runtime.md state document, as runc prints it.
import { listDetailed } from '../runtime/lifecycle';
import { Store } from '../runtime/store';
import { RuntimeError } from '../runtime/errors';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'output the state of a container',
  usage: 'berth state <container-id>',
  options: {},
  positionals: [1, 1],
  async run(_v, [id], g) {
    if (!new Store(g.root).exists(id)) throw new RuntimeError(`container \`${id}\` does not exist`, 'not-found');
    const s = (await listDetailed(g.ctx)).find((c) => c.id === id);
    if (!s) throw new RuntimeError(`container \`${id}\` does not exist`, 'not-found');
    process.stdout.write(JSON.stringify(runcOrder(s), null, 2) + '\n');
    return 0;
  },
};

/** runc's field order, pid 0 once stopped, annotations only when present. */
export function runcOrder(s: Awaited<ReturnType<typeof listDetailed>>[number]): object {
  return {
    ociVersion: s.ociVersion, id: s.id, pid: s.pid ?? 0, status: s.status, bundle: s.bundle, rootfs: s.rootfs,
    created: s.created, owner: s.owner, ...(s.annotations ? { annotations: s.annotations } : {}),
  };
}
