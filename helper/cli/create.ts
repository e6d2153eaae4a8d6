// `berth create <id>`: builds the container and leaves its init waiting for `start`.
import { runtime } from '../runtime/runtime';
import { CREATE_HELP, CREATE_OPTIONS, createOptions } from './createflags';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'create a container',
  usage: `berth create [command options] <container-id>\n${CREATE_HELP}`,
  options: CREATE_OPTIONS,
  positionals: [1, 1],
  async run(v, [id], g) {
    await runtime.create(g.ctx, createOptions(id, v));
    return 0;
  },
};
