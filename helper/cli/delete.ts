// `berth delete <id>`: removes a stopped container; --force kills it first.
// Unlike runc and crun, a created (not yet started) container is not stopped
// either, so it needs --force too (runtime.md's delete).
import { runtime } from '../runtime/runtime';
import { Store } from '../runtime/store';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'delete any resources held by the container',
  usage: 'berth delete [--force] <container-id>',
  options: { force: { type: 'boolean', short: 'f' } },
  positionals: [1, 1],
  async run(v, [id], g) {
    // runc: --force on a container that does not exist is not an error.
    if (v.force && !new Store(g.root).exists(id)) return 0;
    await runtime.delete(g.ctx, id, v.force === true);
    return 0;
  },
};
