// Resolves a path inside a root filesystem the way the kernel will once the
// container's root is pivoted: absolute symlinks are relative to the rootfs
// and `..` never leaves it. Synchronous: rules run in `berth create` too.
import { lstatSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** Host path of `path` (absolute, container view) in `rootfs`, or undefined when it does not exist. */
export function resolveInRootfs(rootfs: string, path: string): { hostPath: string; stat: Stats } | undefined {
  const todo = path.split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') { done.pop(); continue; }
    const host = join(rootfs, ...done, part);
    let st: Stats;
    try { st = lstatSync(host); } catch { return undefined; }
    if (st.isSymbolicLink()) {
      if (++hops > 40) return undefined;
      const target = readlinkSync(host);
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...target.split('/').filter(Boolean));
    } else done.push(part);
  }
  const hostPath = join(rootfs, ...done);
  try { return { hostPath, stat: statSync(hostPath) }; } catch { return undefined; }
}
