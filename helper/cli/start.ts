// `berth start <id>`: lets a created container's process run.
import { runtime } from '../runtime/runtime';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'executes the user defined process in a created container',
  usage: 'berth start <container-id>',
  options: {},
  positionals: [1, 1],
  async run(_v, [id], g) {
    await runtime.start(g.ctx, id);
    return 0;
  },
};
