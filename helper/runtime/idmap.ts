// ID-mapped bind mounts (config.md: the `idmap` / `ridmap` options and a
// mount's own uidMappings/gidMappings), made by the parent on the detached
// bind source copies of hostfds.ts before the init attaches them. An
// idmapped mount shows a file whose on-disk owner is N as owned by what N
// maps to in the mount's user namespace: the container's own one when the
// mount has no mappings of its own (so host root's files look like the
// container root's), else a user namespace made just for these mappings by
// unshare(1) (a Node process cannot make one itself, userns.ts), kept alive
// only until its /proc/<pid>/ns/user is open.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readlinkSync, writeFileSync } from 'node:fs';
import * as C from '../linux/constants';
import { mountSetattrIdmap } from '../linux/mount';
import { planMount } from '../linux/mountopts';
import type { IdMapping, Mount, Spec } from '../spec/types';
import { RuntimeError } from './errors';
import type { HostFds } from './hostfds';
import { IdmapOptionError, parseIdmapOption, type OptionMappings } from '../spec/idmapopts';
import { containerMappings, mapText, UNSHARE } from './userns';

/** Whether the mount entry asks to be ID-mapped. */
export function isIdmapped(m: Mount): boolean {
  return planMount(m.options).idmap !== undefined || m.uidMappings !== undefined || m.gidMappings !== undefined;
}

const custom = (m: Mount) => planMount(m.options).idmap?.custom;

/** crun's `idmap=uids=…;gids=…` of mount `m`, its `@` ranges resolved against the container's user namespace. */
function optionMappings(spec: Spec, m: Mount): OptionMappings {
  let container: OptionMappings | undefined;
  try {
    container = containerMappings(spec);
  } catch {
    container = undefined; // a joined namespace that cannot be read: only `@` ranges need it, and they say so
  }
  try {
    return parseIdmapOption(custom(m)!.text, container);
  } catch (e) {
    // Checked with the config (helper/spec/rules/idmap.ts) except the `@` ranges of a joined user namespace, known only now.
    if (!(e instanceof IdmapOptionError)) throw e;
    const i = spec.mounts!.indexOf(m);
    throw new RuntimeError(`\`${m.options![custom(m)!.index]}\`: ${e.message}`, 'bad-bundle', `/mounts/${i}/options/${custom(m)!.index}`);
  }
}

/** The mappings of the user namespace made for mount `m` alone, or undefined when it uses the container's. */
function ownMappings(spec: Spec, m: Mount): OptionMappings | undefined {
  if (m.uidMappings && m.gidMappings) return { uid: m.uidMappings, gid: m.gidMappings };
  return custom(m) ? optionMappings(spec, m) : undefined;
}

/**
 * Makes each ID-mapped bind source of `fds` idmapped, once the container's
 * user namespace (that of host pid `initPid`) has its maps.
 */
export async function idmapHostFds(fds: HostFds, spec: Spec, initPid: number): Promise<void> {
  const missing = (spec.mounts ?? []).findIndex((m, i) => isIdmapped(m) && !fds.mounts.includes(i));
  if (missing >= 0) throw new RuntimeError('ID-mapped mounts need a privileged caller (open_tree was refused)', 'runtime', `/mounts/${missing}/options`);
  const owned = new Map<string, number>();
  try {
    for (let k = 0; k < fds.mounts.length; k++) {
      const i = fds.mounts[k];
      const m = spec.mounts![i];
      if (!isIdmapped(m)) continue;
      let ns: number;
      const own = ownMappings(spec, m);
      if (own) {
        const key = mapText(own.uid) + '|' + mapText(own.gid);
        if (!owned.has(key)) owned.set(key, await mappedUserns(own.uid, own.gid, `/mounts/${i}`));
        ns = owned.get(key)!;
      } else {
        ns = openSync(`/proc/${initPid}/ns/user`, C.O_RDONLY | C.O_CLOEXEC);
        owned.set(`container ${k}`, ns);
      }
      const recursive = planMount(m.options).idmap?.recursive === true;
      try {
        mountSetattrIdmap(fds.fds[k + 1], ns, recursive, m.source ?? m.destination);
      } catch (e) {
        throw new RuntimeError(`ID-mapped mount of \`${m.source}\`: ${(e as Error).message}`, 'runtime', `/mounts/${i}/options`);
      }
    }
  } finally {
    for (const fd of owned.values()) closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An fd of a fresh user namespace with these maps, owned by this (host root) process. */
async function mappedUserns(uid: IdMapping[], gid: IdMapping[], pointer: string): Promise<number> {
  // cat waits on its stdin, so the namespace lives exactly as long as we keep the pipe.
  const child = spawn(UNSHARE, ['--user', '--', 'cat'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.once('error', () => undefined);
  try {
    const own = readlinkSync('/proc/self/ns/user');
    const deadline = Date.now() + 5000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
        throw new RuntimeError(`\`${UNSHARE} --user\` for the mount's mappings exited early`, 'runtime', pointer);
      }
      try {
        if (readlinkSync(`/proc/${child.pid}/ns/user`) !== own) break;
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new RuntimeError(`\`${UNSHARE} --user\` for the mount's mappings: timed out`, 'runtime', pointer);
      await sleep(1);
    }
    const write = (file: string, text: string, field: string) => {
      try {
        writeFileSync(`/proc/${child.pid}/${file}`, text);
      } catch (e) {
        throw new RuntimeError(`write ${file} of the mount's user namespace: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'bad-bundle', `${pointer}/${field}`);
      }
    };
    write('gid_map', mapText(gid), 'gidMappings');
    write('uid_map', mapText(uid), 'uidMappings');
    return openSync(`/proc/${child.pid}/ns/user`, C.O_RDONLY | C.O_CLOEXEC);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}
