// linux.cgroupsPath in its three forms, turned into one path inside each
// hierarchy:
//  - absolute ("/berth/abc"): relative to the hierarchy's root;
//  - relative ("berth/abc"), or absent (then the container id): relative to
//    the cgroup the runtime itself is in, per hierarchy, on cgroup v1 and
//    hybrid hosts; on a pure cgroup v2 host relative to that cgroup's
//    *parent*, beside the runtime's own cgroup. cgroup v2 lets no cgroup
//    both hold processes and hand controllers to children ("no internal
//    processes"), and the runtime's own cgroup holds the runtime: below it
//    the container got no memory or pids controller, and under systemd
//    (whose unit cgroups have controllers enabled) no process could even
//    join it (ENOTSUP). runc's fs2 driver does the same (defaultDirPath:
//    filepath.Dir of its own cgroup), so `runc run x` and `berth run x`
//    from /system.slice/a.service both use /system.slice/x;
//  - systemd ("slice:prefix:name"): this runtime has no systemd driver (the
//    hosts it targets need not run systemd), so the form is translated to the
//    cgroupfs path systemd itself would have made — "a-b.slice:p:n" becomes
//    /a.slice/a-b.slice/p-n.scope, an empty slice means system.slice, and a
//    name ending in ".slice" is used as-is instead of a scope. Tools that
//    look for the systemd layout then find the cgroup where they expect it.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { CgroupError } from './errors';

const POINTER = '/linux/cgroupsPath';

/** True for the systemd "slice:prefix:name" form (two colons, no slash). */
export function isSystemdPath(p: string): boolean {
  return /^[^/:]*:[^/:]*:[^/:]+$/.test(p);
}

export function systemdToCgroupfs(p: string): string {
  const [slice, prefix, name] = p.split(':');
  const parent = expandSlice(slice || 'system.slice');
  const unit = name.endsWith('.slice') ? name : prefix ? `${prefix}-${name}.scope` : `${name}.scope`;
  return posix.join('/', parent, unit);
}

/** "a-b-c.slice" → "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" is the root. */
export function expandSlice(slice: string): string {
  if (!slice.endsWith('.slice')) throw new CgroupError(`slice ${JSON.stringify(slice)} must end in .slice`, POINTER);
  if (slice === '-.slice') return '/';
  const base = slice.slice(0, -'.slice'.length);
  if (base.startsWith('-') || base.endsWith('-') || base.includes('--')) throw new CgroupError(`slice ${JSON.stringify(slice)} is not a valid systemd slice name`, POINTER);
  const parts = base.split('-');
  return '/' + parts.map((_, i) => parts.slice(0, i + 1).join('-') + '.slice').join('/');
}

/** The runtime's own cgroup in each hierarchy, from /proc/self/cgroup: controller (or "" for cgroup2) → path. */
export function ownCgroups(text = readFileSync('/proc/self/cgroup', 'utf8')): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') out.set('', m[3]);
    else for (const c of m[2].split(',')) out.set(c, m[3]);
  }
  return out;
}

export interface ResolvedPath {
  /** The path as an absolute cgroup path when the config made it absolute (or systemd); undefined when relative. */
  absolute?: string;
  /** The relative path to join under the runtime's own cgroup, when relative. */
  relative?: string;
}

export function resolveCgroupsPath(cgroupsPath: string | undefined, id: string): ResolvedPath {
  const p = cgroupsPath ?? '';
  if (p === '') return { relative: id };
  if (isSystemdPath(p)) return { absolute: systemdToCgroupfs(p) };
  if (p.split('/').includes('..')) throw new CgroupError(`${JSON.stringify(p)} must not contain ".."`, POINTER);
  if (p.startsWith('/')) {
    const abs = posix.normalize(p).replace(/(.)\/+$/, '$1');
    if (abs === '/') throw new CgroupError('"/" is the root cgroup, which a container cannot own', POINTER);
    return { absolute: abs };
  }
  return { relative: posix.normalize(p).replace(/\/+$/, '') };
}

/**
 * The cgroup path inside one hierarchy, given the runtime's own cgroup
 * there; `beside` (pure cgroup v2) puts a relative path under the parent of
 * that cgroup instead of under it (the root's parent is the root).
 */
export function pathInHierarchy(r: ResolvedPath, own: string | undefined, beside = false): string {
  if (r.absolute) return r.absolute;
  const base = own ?? '/';
  return posix.join('/', beside ? posix.dirname(base) : base, r.relative ?? '');
}
