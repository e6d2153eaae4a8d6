// `berth delete <id>`: removes a stopped container; --force kills it first.
// Unlike runc and crun, a created (not yet started) container is not stopped
// either, so it needs --force too (runtime.md's delete). crun's --regex
// deletes every container whose id matches.
import { listDetailed } from '../runtime/lifecycle';
import { runtime } from '../runtime/runtime';
import { Store } from '../runtime/store';
import { UsageError, type Verb } from './verb';

export const verb: Verb = {
  summary: 'delete any resources held by the container',
  usage: 'berth delete [--force] <container-id>\n   berth delete [--force] --regex <pattern>   (crun) every container whose id matches',
  options: { force: { type: 'boolean', short: 'f' }, regex: { type: 'boolean', short: 'r' } },
  positionals: [1, 1],
  async run(v, [id], g) {
    if (v.regex) {
      let re: RegExp;
      try {
        re = new RegExp(id);
      } catch (e) {
        throw new UsageError(`delete: invalid --regex \`${id}\`: ${(e as Error).message}`);
      }
      for (const c of await listDetailed(g.ctx)) if (re.test(c.id)) await runtime.delete(g.ctx, c.id, v.force === true);
      return 0;
    }
    // runc: --force on a container that does not exist is not an error.
    if (v.force && !new Store(g.root).exists(id)) return 0;
    await runtime.delete(g.ctx, id, v.force === true);
    return 0;
  },
};
