// The interface every per-controller file implements, for v1 and v2 alike.
// A controller owns a slice of linux.resources: it says whether the config
// asks anything of it, writes the knobs, and reads its statistics.
import type { Resources } from '../../spec/types';
import type { CgroupStats } from './types';

export interface ApplyContext {
  /** True for `update` (memory.checkBeforeUpdate, memory/swap write order). */
  update: boolean;
  /** Non-fatal notes (a deprecated field the kernel ignores). */
  warn(message: string): void;
}

export interface Controller {
  /** v1 subsystem name, or v2 controller name (as in cgroup.controllers); "" for core cgroup2 files. */
  readonly name: string;
  /** The JSON pointer of the first field this controller would have to set, or undefined when the config asks nothing of it. */
  wanted(r: Resources): string | undefined;
  /** Once, after the directory is made and before any process joins. */
  init?(dir: string): void;
  apply(dir: string, r: Resources, ctx: ApplyContext): void;
  stats?(dir: string, into: CgroupStats): void;
}

/** The first pointer among `fields` that is set in `obj`. */
export function firstSet(base: string, obj: object | undefined, fields?: string[]): string | undefined {
  if (!obj) return undefined;
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (fields && !fields.includes(k)) continue;
    return `${base}/${k}`;
  }
  return undefined;
}
