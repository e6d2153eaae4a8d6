// Paths the spec requires to be absolute. The fix prefixes a slash, which is
// what the author nearly always meant.
import type { Finding } from '../finding';
import type { Fix } from '../fix';
import { displayPath, join } from '../pointer';
import { arr, obj, type Rule } from './rule';

function* absolutePaths(c: import('../types').Spec): Generator<[pointer: string, value: unknown]> {
  if (c.process) yield ['/process/cwd', c.process.cwd];
  for (const [i, m] of arr<{ destination?: unknown }>(c.mounts).entries()) yield [join('/mounts', i, 'destination'), m?.destination];
  for (const [i, n] of arr<{ path?: unknown }>(c.linux?.namespaces).entries()) if (n?.path !== undefined) yield [join('/linux/namespaces', i, 'path'), n.path];
  for (const [i, d] of arr<{ path?: unknown }>(c.linux?.devices).entries()) yield [join('/linux/devices', i, 'path'), d?.path];
  for (const key of ['maskedPaths', 'readonlyPaths'] as const) for (const [i, p] of arr(c.linux?.[key]).entries()) yield [join('/linux', key, i), p];
  const hooks = obj(c.hooks) ?? {};
  for (const [stage, list] of Object.entries(hooks)) for (const [i, h] of arr<{ path?: unknown }>(list).entries()) yield [join('/hooks', stage, i, 'path'), h?.path];
}

export const absolutePathsRule: Rule = {
  codes: ['path/not-absolute'],
  check({ config: c }) {
    const out: Finding[] = [];
    for (const [pointer, value] of absolutePaths(c)) {
      if (typeof value !== 'string' || value.startsWith('/')) continue;
      const fixed = `/${value.replace(/^\.\//, '')}`;
      out.push({
        pointer, code: 'path/not-absolute', severity: 'error',
        message: `${displayPath(pointer)} \`${value}\` must be an absolute path`,
        data: { kind: 'replace-value', title: `Change to \`${fixed}\``, value: fixed } satisfies Fix,
      });
    }
    return out;
  },
};
