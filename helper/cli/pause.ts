// `berth pause <id>`: freezes every process of the container (v1 freezer or cgroup.freeze).
import { pause } from '../runtime/cgroups';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'pause suspends all processes inside the container',
  usage: 'berth pause <container-id>',
  options: {},
  positionals: [1, 1],
  async run(_v, [id], g) {
    await pause(g.ctx, id);
    return 0;
  },
};
