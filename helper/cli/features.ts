// `berth features`: the features document (features.md) of this build on this host.
import { featuresDocument } from '../runtime/features';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'show the enabled features',
  usage: 'berth features',
  options: {},
  positionals: [0, 0],
  async run() {
    process.stdout.write(JSON.stringify(featuresDocument(), null, 4) + '\n');
    return 0;
  },
};
