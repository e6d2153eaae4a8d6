// The container process's own attributes, set last: those that can fail on a
// bad config (rlimits, oomScoreAdj, args[0] on PATH) before "created" so
// `create` reports them; identity, capabilities and the rest after `start`,
// right before execve.
import { accessSync, constants, readFileSync, statSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import { capNumber, capset, lastCap, raisableAmbient, setAmbient, setBounding } from '../linux/caps';
import { cloexecFrom, execve, keepAcrossExec, resetSignals } from '../linux/exec';
import { setGroups, setKeepCaps, setNoNewPrivs, setResGid, setResUid } from '../linux/identity';
import { setRlimit } from '../linux/rlimit';
import type { Process } from '../spec/types';
import { applyExecAttributes, type ProcessLinux } from './attributes';
import { at, InitError } from './errors';

export function applyLimits(p: Process): void {
  (p.rlimits ?? []).forEach((r, i) => at(`/process/rlimits/${i}`, () => setRlimit(r.type, r.soft, r.hard)));
  if (p.oomScoreAdj !== undefined) at('/process/oomScoreAdj', () => writeFileSync('/proc/self/oom_score_adj', String(p.oomScoreAdj)));
}

/** args[0] as execve needs it: a path, looked up in the container's PATH when it has no slash. */
export function resolveExecutable(p: Process): string {
  const arg0 = p.args![0];
  const cwd = p.cwd || '/';
  const ok = (f: string) => {
    try {
      return statSync(f).isFile() && (accessSync(f, constants.X_OK), true);
    } catch {
      return false;
    }
  };
  if (arg0.includes('/')) {
    const abs = posix.resolve(cwd, arg0);
    if (!ok(abs)) throw new InitError(`exec \`${arg0}\`: no such executable file in the container`, '/process/args/0');
    return abs;
  }
  const pathVar = (p.env ?? []).find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  for (const dir of pathVar.split(':')) {
    const f = posix.resolve(cwd, dir || '.', arg0);
    if (ok(f)) return f;
  }
  throw new InitError(`exec \`${arg0}\`: executable file not found in $PATH`, '/process/args/0');
}

function capSet(names: string[] | undefined, _pointer: string): Set<number> {
  const out = new Set<number>();
  (names ?? []).forEach((n) => {
    const c = capNumber(n);
    // Unknown names were reported as warnings by create (helper/spec/rules/capabilities.ts); runc ignores them too.
    if (c !== undefined && c <= lastCap()) out.add(c);
  });
  return out;
}

export interface ExecPlan {
  path: string;
  preserveFds: number;
  /** Installs the seccomp filter (helper/linux/seccomp.ts); called at the one point the kernel allows. */
  seccomp?: () => void;
  /**
   * Runs the startContainer hooks: after the process's user, capabilities and
   * seccomp filter are in place, as runc runs them (seccomp.bats checks that
   * a filter denying mkdir kills a hook's mkdir).
   */
  startContainer?: () => void;
  /** crun's run.oci.keep_original_groups annotation: keep the caller's supplementary groups. */
  keepGroups?: boolean;
  /** linux.personality and linux.memoryPolicy, for the container's own process. */
  linux?: ProcessLinux;
}

/** From here on the parent is gone: failures are printed by main.ts and end the init. */
export function execProcess(p: Process, plan: ExecPlan): never {
  const env = withHome(p.env ?? [], p.user.uid);
  const caps = p.capabilities;
  const sets = {
    bounding: capSet(caps?.bounding, '/process/capabilities/bounding'),
    effective: capSet(caps?.effective, '/process/capabilities/effective'),
    permitted: capSet(caps?.permitted, '/process/capabilities/permitted'),
    inheritable: capSet(caps?.inheritable, '/process/capabilities/inheritable'),
    ambient: capSet(caps?.ambient, '/process/capabilities/ambient'),
  };
  // The kernel raises into the ambient set only what is permitted and
  // inheritable (capabilities(7)): the rest is not raised, as runc and crun
  // do (`runc spec` lists ambient caps with no inheritable set), and create
  // has warned about each one (helper/spec/rules/capabilities.ts).
  sets.ambient = raisableAmbient(sets);
  // While every capability is held and before a filter could deny the calls (attributes.ts).
  applyExecAttributes(p, plan.linux);
  // Without no_new_privs the kernel wants CAP_SYS_ADMIN to install a filter: load it before capabilities go.
  if (!p.noNewPrivileges && plan.seccomp) at('/linux/seccomp', plan.seccomp);
  at('/process/capabilities/bounding', () => setBounding(sets.bounding));
  at('/process/user', () => {
    setKeepCaps(true);
    if (!plan.keepGroups) setGroups(p.user.additionalGids ?? []);
    setResGid(p.user.gid);
    setResUid(p.user.uid);
  });
  at('/process/capabilities', () => {
    capset(sets);
    setKeepCaps(false);
    setAmbient(sets.ambient);
  });
  process.umask(p.user.umask ?? 0o022);
  at('/process/cwd', () => process.chdir(p.cwd));
  if (p.noNewPrivileges) {
    setNoNewPrivs();
    // Last, so that as little as possible of the init runs under the filter.
    if (plan.seccomp) at('/linux/seccomp', plan.seccomp);
  }
  plan.startContainer?.();
  resetSignals();
  cloexecFrom(3 + plan.preserveFds);
  keepAcrossExec(2 + plan.preserveFds);
  return execve(plan.path, p.args!, env);
}

/** HOME from the container's /etc/passwd for `uid` (or `/`) when the config sets none, as runc does. */
export function withHome(env: string[], uid: number): string[] {
  if (env.some((e) => e.startsWith('HOME='))) return env;
  let home = '/';
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 6 && Number(f[2]) === uid && f[5]) {
        home = f[5];
        break;
      }
    }
  } catch {
    // no passwd in the rootfs
  }
  return [...env, `HOME=${home}`];
}
