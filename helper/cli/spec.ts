// `berth spec`: writes a starter config.json, like `runc spec`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSpec } from '../spec/default';
import { RuntimeError } from '../runtime/errors';
import type { Verb } from './verb';

export const verb: Verb = {
  summary: 'create a new specification file',
  usage: 'berth spec [--bundle <dir>] [--rootless]',
  options: { bundle: { type: 'string', short: 'b' }, rootless: { type: 'boolean' } },
  positionals: [0, 0],
  async run(v) {
    const dir = (v.bundle as string | undefined) ?? '.';
    const path = join(dir, 'config.json');
    const spec = defaultSpec({ rootless: v.rootless === true, uid: process.getuid?.(), gid: process.getgid?.() });
    // Created exclusively: a dangling config.json symlink in someone else's bundle would have root create its target.
    try {
      writeFileSync(path, JSON.stringify(spec, null, '\t') + '\n', { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new RuntimeError(`file \`${path}\` exists: remove it first`, 'bad-argument');
      throw e;
    }
    return 0;
  },
};
