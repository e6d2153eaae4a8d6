// `berth update <id>`: new limits for a live container, from a
// linux.resources JSON document (--resources FILE, or - for stdin) and/or
// runc's individual flags (which win over the document).
import { readFileSync } from 'node:fs';
import { update } from '../runtime/cgroups';
import type { Resources } from '../spec/types';
import { parseBytes, parseInteger } from './units';
import { UsageError, type Values, type Verb } from './verb';

type Setter = (r: Resources, value: string, flag: string) => void;

const bytes = (set: (r: Resources, n: number) => void): Setter => (r, v, f) => set(r, parseBytes(f, v));
const int = (set: (r: Resources, n: number) => void): Setter => (r, v, f) => set(r, parseInteger(f, v));
const mem = (r: Resources) => (r.memory ??= {});
const cpu = (r: Resources) => (r.cpu ??= {});

/** runc's update flags, each a setter on linux.resources. */
const FLAGS: Record<string, Setter> = {
  'blkio-weight': int((r, n) => ((r.blockIO ??= {}).weight = n)),
  'cpu-period': int((r, n) => (cpu(r).period = n)),
  'cpu-quota': int((r, n) => (cpu(r).quota = n)),
  'cpu-burst': int((r, n) => (cpu(r).burst = n)),
  'cpu-share': int((r, n) => (cpu(r).shares = n)),
  'cpu-rt-period': int((r, n) => (cpu(r).realtimePeriod = n)),
  'cpu-rt-runtime': int((r, n) => (cpu(r).realtimeRuntime = n)),
  'cpu-idle': int((r, n) => (cpu(r).idle = n)),
  'cpuset-cpus': (r, v) => (cpu(r).cpus = v),
  'cpuset-mems': (r, v) => (cpu(r).mems = v),
  'kernel-memory': bytes((r, n) => (mem(r).kernel = n)),
  'kernel-memory-tcp': bytes((r, n) => (mem(r).kernelTCP = n)),
  memory: bytes((r, n) => (mem(r).limit = n)),
  'memory-reservation': bytes((r, n) => (mem(r).reservation = n)),
  'memory-swap': bytes((r, n) => (mem(r).swap = n)),
  'pids-limit': int((r, n) => ((r.pids ??= { limit: 0 }).limit = n)),
};

export function resourcesFrom(v: Values, stdin: () => string = () => readFileSync(0, 'utf8')): Resources {
  let r: Resources = {};
  const file = v.resources;
  if (typeof file === 'string') {
    const text = file === '-' ? stdin() : readFileSync(file, 'utf8');
    try {
      r = JSON.parse(text) as Resources;
    } catch (e) {
      throw new UsageError(`--resources ${file}: not JSON: ${(e as Error).message}`);
    }
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw new UsageError(`--resources ${file}: must be a linux.resources object`);
  }
  for (const [flag, set] of Object.entries(FLAGS)) {
    const value = v[flag];
    if (typeof value === 'string') set(r, value, `--${flag}`);
  }
  if (v['l3-cache-schema'] !== undefined || v['mem-bw-schema'] !== undefined) throw new UsageError('--l3-cache-schema, --mem-bw-schema: intelRdt is not supported by this runtime');
  return r;
}

export const verb: Verb = {
  summary: 'update container resource constraints',
  usage: `berth update [--resources FILE|-] [--${Object.keys(FLAGS).join(' VALUE] [--')} VALUE] <container-id>`,
  options: {
    resources: { type: 'string', short: 'r' },
    ...Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }])),
    'l3-cache-schema': { type: 'string' },
    'mem-bw-schema': { type: 'string' },
  },
  positionals: [1, 1],
  async run(v, [id], g) {
    const r = resourcesFrom(v);
    if (Object.keys(r).length === 0) throw new UsageError('update: nothing to update (give --resources or a limit flag)');
    await update(g.ctx, id, r);
    return 0;
  },
};
