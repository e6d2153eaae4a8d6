// Builds a libseccomp filter from the config's `linux.seccomp`, following
// what runc and crun accept so that configs written for them behave the same:
// unknown syscall names are skipped (the profile may name syscalls newer than
// this libseccomp), rules whose action equals the default are skipped
// (libseccomp refuses them), and arguments that repeat an index become
// separate rules (OR) instead of one rule (AND), which libseccomp rejects.
import { getSystemErrorName } from 'node:util';
import type { Seccomp, SeccompArg } from '../../spec/types';
import { type ArgCmp, type FilterCtx, libseccomp } from './lib';
import { ATTR, FLAGS, OPS, SCMP_ACT_NOTIFY, actionValue, archName } from './names';

const BASE = '/linux/seccomp';

export interface Built {
  ctx: FilterCtx;
  /** At least one rule (or the default) notifies: the listener must get the fd. */
  notifies: boolean;
  /** Syscall names this libseccomp does not know, with their pointers. */
  unknown: { name: string; pointer: string }[];
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

/** Builds (does not load) the filter; the caller releases `ctx`. */
export function buildFilter(seccomp: Seccomp): Built {
  const lib = libseccomp();
  const defAction = actionValue(seccomp.defaultAction, seccomp.defaultErrnoRet, `${BASE}/defaultAction`);
  const ctx = lib.init(defAction);
  if (!ctx) throw new Error(`${BASE}/defaultAction: seccomp_init refused \`${seccomp.defaultAction}\``);
  const built: Built = { ctx, notifies: defAction === SCMP_ACT_NOTIFY, unknown: [] };
  try {
    // libseccomp sets no_new_privs on load by default; the config decides
    // that (process.noNewPrivileges), so the filter must not.
    check(lib.attrSet(ctx, ATTR.CTL_NNP, 0), `${BASE}: clear the no_new_privs attribute`);
    (seccomp.architectures ?? []).forEach((a, i) => {
      const token = lib.archResolveName(archName(a));
      if (token === 0) throw new Error(`${BASE}/architectures/${i}: unknown architecture \`${a}\``);
      const rc = lib.archAdd(ctx, token);
      if (rc !== -17 /* EEXIST: the native one is always there */) check(rc, `${BASE}/architectures/${i}: add \`${a}\``);
    });
    (seccomp.flags ?? []).forEach((f, i) => {
      const attr = FLAGS[f];
      if (attr === undefined) throw new Error(`${BASE}/flags/${i}: unknown seccomp flag \`${f}\``);
      const rc = lib.attrSet(ctx, attr, 1);
      if (rc < 0) {
        const v = lib.version();
        throw new Error(`${BASE}/flags/${i}: \`${f}\` is not supported by libseccomp ${v.major}.${v.minor}.${v.micro} on this kernel: ${getSystemErrorName(rc)}`);
      }
    });
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
        if (nr < 0) {
          built.unknown.push({ name, pointer: `${p}/names/${j}` });
          return;
        }
        for (const g of groups) check(lib.ruleAddArray(ctx, action, nr, g.length, g.length ? g : null), `${p}/names/${j}: add rule for \`${name}\``);
      });
    });
  } catch (e) {
    lib.release(ctx);
    throw e;
  }
  return built;
}
