// Checks against the bundle on disk (only when the caller names it): the
// root filesystem exists and is reached through no symlink, and `process.args[0]` is an executable the
// container's PATH finds in it — what would otherwise fail only at `start`.
import { realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Finding } from '../finding';
import { arr, isBindMount, type Rule } from './rule';
import { resolveInRootfs } from './rootfs-path';

/**
 * Answers about the bundle on disk, remembered for a second: the editor
 * re-checks on every keystroke and the root filesystem rarely changes between two.
 */
const memo = new Map<string, { at: number; value: unknown }>();
function remembered<T>(key: string, compute: () => T): T {
  const now = Date.now();
  const hit = memo.get(key);
  if (hit && now - hit.at < 1000) return hit.value as T;
  const value = compute();
  if (memo.size > 256) memo.clear();
  memo.set(key, { at: now, value });
  return value;
}

const statCached = (path: string): Stats | undefined => remembered(`stat\0${path}`, () => {
  try { return statSync(path); } catch { return undefined; }
});

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function rootfsDir(bundleDir: string, rootPath: string): string {
  return isAbsolute(rootPath) ? rootPath : resolve(bundleDir, rootPath);
}

/** A warning, not an error: the runtime reports the failing mount itself, with errno, when it gets there. */
export const bindSources: Rule = {
  codes: ['mount/source-missing'],
  check({ config: c, bundleDir }) {
    if (!bundleDir) return [];
    const out: Finding[] = [];
    arr<{ type?: unknown; source?: unknown; options?: unknown }>(c.mounts).forEach((m, i) => {
      if (!isBindMount(m) || typeof m.source !== 'string' || m.source === '') return;
      const path = isAbsolute(m.source) ? m.source : resolve(bundleDir, m.source);
      if (!statCached(path)) {
        out.push({ pointer: `/mounts/${i}/source`, code: 'mount/source-missing', severity: 'warning', message: `mounts[${i}].source \`${m.source}\` does not exist (${path}): the mount will fail` });
      }
    });
    return out;
  },
};

export const rootExists: Rule = {
  codes: ['root/missing', 'root/not-directory', 'root/symlink'],
  check({ config: c, bundleDir }) {
    const path = c.root?.path;
    if (!bundleDir || typeof path !== 'string') return [];
    const dir = rootfsDir(bundleDir, path);
    const st = statCached(dir);
    if (!st) return [{ pointer: '/root/path', code: 'root/missing', severity: 'error', message: `root.path \`${path}\` does not exist (${dir})` }];
    if (!st.isDirectory()) return [{ pointer: '/root/path', code: 'root/not-directory', severity: 'error', message: `root.path \`${path}\` is not a directory (${dir})` }];
    // As runc: the root filesystem's path may not pass through a symlink (the
    // bundle's own path may). A config reading `"path": "rootfs"` while rootfs
    // links to /usr would run the container in the host's /usr. Never
    // remembered: create decides on this answer.
    let real: string;
    let expected: string;
    try {
      real = realpathSync(dir);
      expected = isAbsolute(path) ? resolve(path) : resolve(realpathSync(bundleDir), path);
    } catch {
      return [];
    }
    if (real !== expected) return [{ pointer: '/root/path', code: 'root/symlink', severity: 'error', message: `root.path \`${path}\` leads through a symlink to ${real}: give the real directory` }];
    return [];
  },
};

export const argsResolvable: Rule = {
  codes: ['process/args-missing', 'process/executable-not-found'],
  check({ config: c, bundleDir }) {
    const p = c.process;
    if (!p || typeof p !== 'object') return [];
    const args = arr<unknown>(p.args);
    if (args.length === 0) {
      return [{ pointer: p.args ? '/process/args' : '/process', code: 'process/args-missing', severity: 'warning', message: 'process.args is empty: `start` needs a program to run' }];
    }
    const cmd = args[0];
    const rootPath = c.root?.path;
    if (!bundleDir || typeof cmd !== 'string' || typeof rootPath !== 'string') return [];
    const rootfs = rootfsDir(bundleDir, rootPath);
    if (!statCached(rootfs)?.isDirectory()) return [];
    const isExec = (path: string) => remembered(`exec\0${rootfs}\0${path}`, () => {
      const r = resolveInRootfs(rootfs, path);
      return r !== undefined && r.stat.isFile() && (r.stat.mode & 0o111) !== 0;
    });
    if (cmd.includes('/')) {
      const abs = cmd.startsWith('/') ? cmd : `${typeof p.cwd === 'string' ? p.cwd : '/'}/${cmd}`;
      if (isExec(abs)) return [];
      return [{ pointer: '/process/args/0', code: 'process/executable-not-found', severity: 'error', message: `process.args[0] \`${cmd}\` is not an executable file in the root filesystem` }];
    }
    const pathVar = arr<unknown>(p.env).filter((e): e is string => typeof e === 'string').reverse().find((e) => e.startsWith('PATH='));
    const dirs = (pathVar ? pathVar.slice(5) : DEFAULT_PATH).split(':').filter(Boolean);
    if (dirs.some((d) => isExec(`${d}/${cmd}`))) return [];
    return [{
      pointer: '/process/args/0', code: 'process/executable-not-found', severity: 'error',
      message: `process.args[0] \`${cmd}\` not found in PATH ${dirs.join(':')} of the root filesystem`,
    }];
  },
};
