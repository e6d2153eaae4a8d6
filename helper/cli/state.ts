// `berth state <id>`: the runtime.md state document, as runc prints it.
import { listDetailed } from '../runtime/lifecycle';
import { Store } from '../runtime/store';
import { statusOf, toState } from '../runtime/status';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'output the state of a container',
  usage: 'berth state <container-id>',
  options: {},
  positionals: [1, 1],
  async run(_v, [id], g) {
    const store = new Store(g.root);
    const st = store.read(id); // throws not-found
    const s = { ...toState(id, statusOf(store, id, st), st), rootfs: st?.rootfs ?? '', created: st?.created ?? '', owner: st?.owner ?? '' };
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
