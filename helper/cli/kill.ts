// `berth kill <id> [signal]`: default TERM, names or numbers (0 tests that
// the container lives), --all for every process. As runc's: `kill --all` of a
// stopped container succeeds (there is nothing left to signal), a plain kill
// of one fails.
import { parseSignal } from '../runtime/signals';
import { runtime } from '../runtime/runtime';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'kill sends the specified signal (default: SIGTERM) to the container\'s init process',
  usage: 'berth kill [--all] <container-id> [signal]',
  options: { all: { type: 'boolean', short: 'a' } },
  positionals: [1, 2],
  async run(v, [id, sig], g) {
    const signal = sig ?? 'TERM';
    if (v.all === true) {
      parseSignal(signal); // a bad signal is an error whatever the state
      if ((await runtime.state(g.ctx, id)).status === 'stopped') return 0;
    }
    await runtime.kill(g.ctx, id, signal, v.all === true);
    return 0;
  },
};
