// `berth resume <id>`: thaws a paused container.
import { resume } from '../runtime/cgroups';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'resumes all processes that have been previously paused',
  usage: 'berth resume <container-id>',
  options: {},
  positionals: [1, 1],
  async run(_v, [id], g) {
    await resume(g.ctx, id);
    return 0;
  },
};
