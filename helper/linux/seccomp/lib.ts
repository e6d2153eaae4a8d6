// koffi bindings for the part of libseccomp (Debian libseccomp2, 2.5.x) that
// Berth uses. Loaded lazily: only a stage that installs a filter, or a check
// that resolves syscall names, pays for dlopen.
import type * as Koffi from 'koffi';

/** A filter under construction (libseccomp's scmp_filter_ctx). */
export type FilterCtx = unknown;

/** struct scmp_arg_cmp: one condition on one syscall argument. */
export interface ArgCmp {
  arg: number;
  op: number;
  datum_a: number | bigint;
  datum_b: number | bigint;
}

export interface Libseccomp {
  koffi: typeof Koffi;
  init(defAction: number): FilterCtx | null;
  release(ctx: FilterCtx): void;
  archResolveName(name: string): number;
  archAdd(ctx: FilterCtx, arch: number): number;
  archRemove(ctx: FilterCtx, arch: number): number;
  archNative(): number;
  /** Moves every rule of `src` into `dst` (architectures must not overlap); frees `src` on success. */
  merge(dst: FilterCtx, src: FilterCtx): number;
  attrSet(ctx: FilterCtx, attr: number, value: number): number;
  resolveName(name: string): number;
  ruleAddArray(ctx: FilterCtx, action: number, syscall: number, count: number, args: ArgCmp[] | null): number;
  load(ctx: FilterCtx): number;
  notifyFd(ctx: FilterCtx): number;
  /** Returns a struct scmp_version pointer ({major, minor, micro}). */
  version(): { major: number; minor: number; micro: number };
}

let lib: Libseccomp | undefined;

export function libseccomp(): Libseccomp {
  if (lib) return lib;
  const koffi = require('koffi') as typeof Koffi;
  let so: Koffi.LibraryHandle;
  try {
    so = koffi.load('libseccomp.so.2');
  } catch (e) {
    throw new Error(`load libseccomp.so.2: ${(e as Error).message} (apt-get install libseccomp2)`, { cause: e });
  }
  const argCmp = koffi.struct({ arg: 'uint', op: 'int', datum_a: 'uint64_t', datum_b: 'uint64_t' });
  const version = koffi.struct({ major: 'uint', minor: 'uint', micro: 'uint' });
  const versionFn = so.func('seccomp_version', koffi.pointer(version), []);
  lib = {
    koffi,
    init: so.func('void *seccomp_init(uint32_t def_action)'),
    release: so.func('void seccomp_release(void *ctx)'),
    archResolveName: so.func('uint32_t seccomp_arch_resolve_name(const char *name)'),
    archAdd: so.func('int seccomp_arch_add(void *ctx, uint32_t arch)'),
    archRemove: so.func('int seccomp_arch_remove(void *ctx, uint32_t arch)'),
    archNative: so.func('uint32_t seccomp_arch_native(void)'),
    merge: so.func('int seccomp_merge(void *dst, void *src)'),
    attrSet: so.func('int seccomp_attr_set(void *ctx, int attr, uint32_t value)'),
    resolveName: so.func('int seccomp_syscall_resolve_name(const char *name)'),
    ruleAddArray: so.func('seccomp_rule_add_array', 'int', ['void *', 'uint32_t', 'int', 'uint', koffi.pointer(argCmp)]),
    load: so.func('int seccomp_load(void *ctx)'),
    notifyFd: so.func('int seccomp_notify_fd(void *ctx)'),
    version: () => koffi.decode(versionFn(), version) as { major: number; minor: number; micro: number },
  };
  return lib;
}
