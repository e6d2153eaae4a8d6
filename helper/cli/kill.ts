// `berth kill <id> [signal]`: default TERM, names or numbers, --all for every process.
import { runtime } from '../runtime/runtime';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'kill sends the specified signal (default: SIGTERM) to the container\'s init process',
  usage: 'berth kill [--all] <container-id> [signal]',
  options: { all: { type: 'boolean', short: 'a' } },
  positionals: [1, 2],
  async run(v, [id, sig], g) {
    await runtime.kill(g.ctx, id, sig ?? 'TERM', v.all === true);
    return 0;
  },
};
