// Builds a libseccomp filter from the config's `linux.seccomp`, following
// what runc and crun accept so that configs written for them behave the same:
// unknown syscall names are skipped (the profile may name syscalls newer than
// this libseccomp), rules whose action equals the default are skipped
// (libseccomp refuses them), and arguments that repeat an index become
// separate rules (OR) instead of one rule (AND), which libseccomp rejects.
//
// One filter per architecture, merged at the end: a rule one architecture
// cannot express must not cost the others. On x86 (32-bit) `socket` and its
// siblings go through socketcall(2), whose arguments a filter cannot see, so
// podman's default profile (socket allowed or denied by its arguments) makes
// conflicting socketcall rules there (EEXIST); added to one multi-arch filter,
// the rule would be refused for x86_64 too. Such a rule is skipped on that
// architecture only, and reported.
import { getSystemErrorName } from 'node:util';
import type { Seccomp, SeccompArg } from '../../spec/types';
import { type ArgCmp, type FilterCtx, libseccomp } from './lib';
import { ATTR, FLAGS, OPS, SCMP_ACT_NOTIFY, actionValue, archName } from './names';

const BASE = '/linux/seccomp';
const EEXIST = -17;

export interface Built {
  ctx: FilterCtx;
  /** At least one rule (or the default) notifies: the listener must get the fd. */
  notifies: boolean;
  /** Syscall names this libseccomp does not know, with their pointers. */
  unknown: { name: string; pointer: string }[];
  /** Rules an architecture cannot hold beside earlier ones (EEXIST), skipped there. */
  conflicts: { name: string; pointer: string; arch: string }[];
}

function check(rc: number, what: string): void {
  if (rc < 0) throw new Error(`${what}: ${getSystemErrorName(rc)}`);
}

function toDatum(v: number, pointer: string): bigint {
  if (!Number.isInteger(v)) throw new Error(`${pointer}: not an integer: ${v}`);
  return BigInt.asUintN(64, BigInt(v));
}

function argCmp(a: SeccompArg, pointer: string): ArgCmp {
  const op = OPS[a.op];
  if (op === undefined) throw new Error(`${pointer}/op: unknown seccomp operator \`${a.op}\``);
  if (!Number.isInteger(a.index) || a.index < 0 || a.index > 5) throw new Error(`${pointer}/index: syscall argument index ${a.index} is not 0..5`);
  // For MASKED_EQ the config's `value` is the mask and `valueTwo` the value
  // compared, which is libseccomp's datum_a/datum_b order.
  return { arg: a.index, op, datum_a: toDatum(a.value, `${pointer}/value`), datum_b: toDatum(a.valueTwo ?? 0, `${pointer}/valueTwo`) };
}

/** A rule as libseccomp takes it, resolved once for every architecture. */
interface Rule {
  action: number;
  nr: number;
  name: string;
  pointer: string;
  groups: ArgCmp[][];
}

function resolveRules(seccomp: Seccomp, defAction: number, built: Built): Rule[] {
  const lib = libseccomp();
  const rules: Rule[] = [];
  (seccomp.syscalls ?? []).forEach((sc, i) => {
    const p = `${BASE}/syscalls/${i}`;
    const action = actionValue(sc.action, sc.errnoRet, `${p}/action`);
    if (action === defAction) return;
    if (action === SCMP_ACT_NOTIFY) built.notifies = true;
    const conds = (sc.args ?? []).map((a, j) => argCmp(a, `${p}/args/${j}`));
    const indexes = new Set(conds.map((a) => a.arg));
    const groups = indexes.size === conds.length ? [conds] : conds.map((a) => [a]);
    sc.names.forEach((name, j) => {
      const nr = lib.resolveName(name);
      if (nr < 0) built.unknown.push({ name, pointer: `${p}/names/${j}` });
      else rules.push({ action, nr, name, pointer: `${p}/names/${j}`, groups });
    });
  });
  return rules;
}

/** A filter for one architecture (`token`, or the native one), with the config's attributes. */
function archFilter(seccomp: Seccomp, defAction: number, token: number | undefined): FilterCtx {
  const lib = libseccomp();
  const ctx = lib.init(defAction);
  if (!ctx) throw new Error(`${BASE}/defaultAction: seccomp_init refused \`${seccomp.defaultAction}\``);
  try {
    if (token !== undefined) {
      check(lib.archAdd(ctx, token), `${BASE}/architectures: add architecture ${token}`);
      check(lib.archRemove(ctx, lib.archNative()), `${BASE}/architectures: remove the native architecture`);
    }
    // libseccomp sets no_new_privs on load by default; the config decides
    // that (process.noNewPrivileges), so the filter must not.
    check(lib.attrSet(ctx, ATTR.CTL_NNP, 0), `${BASE}: clear the no_new_privs attribute`);
    (seccomp.flags ?? []).forEach((f, i) => {
      const attr = FLAGS[f];
      if (attr === undefined) throw new Error(`${BASE}/flags/${i}: unknown seccomp flag \`${f}\``);
      const rc = lib.attrSet(ctx, attr, 1);
      if (rc < 0) {
        const v = lib.version();
        throw new Error(`${BASE}/flags/${i}: \`${f}\` is not supported by libseccomp ${v.major}.${v.minor}.${v.micro} on this kernel: ${getSystemErrorName(rc)}`);
      }
    });
    return ctx;
  } catch (e) {
    lib.release(ctx);
    throw e;
  }
}

/** Builds (does not load) the filter; the caller releases `ctx`. */
export function buildFilter(seccomp: Seccomp): Built {
  const lib = libseccomp();
  const defAction = actionValue(seccomp.defaultAction, seccomp.defaultErrnoRet, `${BASE}/defaultAction`);
  const native = lib.archNative();
  const extra = new Map<number, string>();
  (seccomp.architectures ?? []).forEach((a, i) => {
    const token = lib.archResolveName(archName(a));
    if (token === 0) throw new Error(`${BASE}/architectures/${i}: unknown architecture \`${a}\``);
    if (token !== native) extra.set(token, a);
  });
  const built: Built = { ctx: undefined, notifies: defAction === SCMP_ACT_NOTIFY, unknown: [], conflicts: [] };
  const rules = resolveRules(seccomp, defAction, built);
  const main = archFilter(seccomp, defAction, undefined);
  try {
    addRules(main, rules, 'native', built);
    for (const [token, name] of extra) {
      const ctx = archFilter(seccomp, defAction, token);
      try {
        addRules(ctx, rules, name, built);
        check(lib.merge(main, ctx), `${BASE}/architectures: merge the \`${name}\` filter`);
      } catch (e) {
        lib.release(ctx);
        throw e;
      }
    }
  } catch (e) {
    lib.release(main);
    throw e;
  }
  built.ctx = main;
  return built;
}

function addRules(ctx: FilterCtx, rules: Rule[], arch: string, built: Built): void {
  const lib = libseccomp();
  for (const r of rules) {
    for (const g of r.groups) {
      const rc = lib.ruleAddArray(ctx, r.action, r.nr, g.length, g.length ? g : null);
      if (rc === EEXIST) {
        built.conflicts.push({ name: r.name, pointer: r.pointer, arch });
        continue;
      }
      check(rc, `${r.pointer}: add rule for \`${r.name}\``);
    }
  }
}
