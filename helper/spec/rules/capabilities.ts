// Capability names the kernel has never had, and capabilities listed in a
// set where they cannot take effect: effective ⊆ permitted, and ambient ⊆
// permitted ∩ inheritable (capabilities(7)). The init leaves out of the
// ambient set what the kernel would refuse to raise (helper/init/process.ts),
// as runc and crun do, so these are warnings naming each capability.
import { CAPABILITY_NAMES } from '../names/capabilities';
import { closest } from '../did-you-mean';
import type { Finding } from '../finding';
import type { Fix } from '../fix';
import { join } from '../pointer';
import { arr, obj, type Rule } from './rule';

const KNOWN = new Set(CAPABILITY_NAMES);
const SETS = ['bounding', 'effective', 'inheritable', 'permitted', 'ambient'] as const;

export const capabilityNames: Rule = {
  codes: ['process/unknown-capability'],
  check({ config: c }) {
    const caps = obj(c.process?.capabilities);
    if (!caps) return [];
    const out: Finding[] = [];
    for (const set of SETS) {
      for (const [i, name] of arr<unknown>(caps[set]).entries()) {
        if (typeof name !== 'string' || KNOWN.has(name)) continue;
        const guess = closest(name.startsWith('CAP_') ? name : `CAP_${name}`, CAPABILITY_NAMES);
        out.push({
          pointer: join('/process/capabilities', set, i), code: 'process/unknown-capability', severity: 'warning',
          message: `process.capabilities.${set}[${i}] \`${name}\` is not a Linux capability${guess ? ` (did you mean \`${guess}\`?)` : ''}: runtimes ignore it`,
          ...(guess ? { data: { kind: 'replace-value', title: `Change to \`${guess}\``, value: guess } satisfies Fix } : {}),
        });
      }
    }
    return out;
  },
};

/** What the init does with such an ambient capability: what runc and crun do (`runc spec` writes ambient caps and no inheritable set). */
const NOT_RAISED = 'is not raised into the ambient set';

export const capabilitySets: Rule = {
  codes: ['process/capability-not-permitted', 'process/ambient-not-inheritable'],
  check({ config: c }) {
    const caps = obj(c.process?.capabilities);
    if (!caps) return [];
    const permitted = new Set(arr<string>(caps.permitted));
    const inheritable = new Set(arr<string>(caps.inheritable));
    const out: Finding[] = [];
    const addTo = (set: string, name: string): Fix => ({ kind: 'append', title: `Add \`${name}\` to process.capabilities.${set}`, pointer: `/process/capabilities/${set}`, value: name });
    for (const set of ['effective', 'ambient'] as const) {
      for (const [i, name] of arr<unknown>(caps[set]).entries()) {
        if (typeof name !== 'string' || permitted.has(name)) continue;
        out.push({
          pointer: join('/process/capabilities', set, i), code: 'process/capability-not-permitted', severity: 'warning',
          message: `process.capabilities.${set}[${i}] \`${name}\` ${set === 'ambient' ? NOT_RAISED : 'cannot take effect'}: it is not in process.capabilities.permitted`,
          data: addTo('permitted', name),
        });
      }
    }
    for (const [i, name] of arr<unknown>(caps.ambient).entries()) {
      if (typeof name !== 'string' || inheritable.has(name)) continue;
      out.push({
        pointer: join('/process/capabilities/ambient', i), code: 'process/ambient-not-inheritable', severity: 'warning',
        message: `process.capabilities.ambient[${i}] \`${name}\` ${NOT_RAISED}: it is not in process.capabilities.inheritable`,
        data: addTo('inheritable', name),
      });
    }
    return out;
  },
};
