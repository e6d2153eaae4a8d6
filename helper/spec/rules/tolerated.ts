// What runc and crun accept although the schema does not, so that configs
// written for them run here: the recursive rootfsPropagation forms
// (rprivate, rslave, rshared, runbindable). Docker and podman write them
// routinely, so the schema's error becomes an info finding (a warning on
// every create would only be noise), in the editor and at create alike.
import type { Finding } from '../finding';
import type { Spec } from '../types';

export const RECURSIVE_PROPAGATION = 'linux/rootfs-propagation-recursive';

const RECURSIVE = new Set(['rprivate', 'rslave', 'rshared', 'runbindable']);

/** `f`, a schema finding, as this runtime treats it for `config`. */
export function tolerated(config: Spec, f: Finding): Finding {
  const prop = config.linux?.rootfsPropagation;
  if (f.severity === 'error' && f.pointer === '/linux/rootfsPropagation' && typeof prop === 'string' && RECURSIVE.has(prop)) {
    return { pointer: f.pointer, code: RECURSIVE_PROPAGATION, severity: 'info', message: `linux.rootfsPropagation \`${prop}\` is not in the spec; applied as runc does` };
  }
  return f;
}
