// Signal names and numbers as `kill` accepts them: KILL, SIGKILL, 9, and 0
// (no signal: kill(2)'s test that the process exists, as runc accepts it).
import { constants } from 'node:os';
import { RuntimeError } from './errors';

const BY_NAME = constants.signals as Record<string, number>;

export function parseSignal(sig: string | number): number {
  if (typeof sig === 'number' || /^\d+$/.test(sig)) {
    const n = Number(sig);
    if (n >= 0 && n <= 64) return n;
    throw new RuntimeError(`invalid signal \`${sig}\``, 'bad-argument');
  }
  const name = sig.toUpperCase().startsWith('SIG') ? sig.toUpperCase() : `SIG${sig.toUpperCase()}`;
  const n = BY_NAME[name];
  if (n === undefined) throw new RuntimeError(`unknown signal \`${sig}\``, 'bad-argument');
  return n;
}
