// The config's seccomp vocabulary (config-linux.md "Seccomp") translated to
// libseccomp's numbers. Values are libseccomp's ABI (seccomp.h), stable across
// its 2.x releases.

const EPERM = 1;

/** SCMP_ACT_* names, with whether the action carries a return code. */
const ACTIONS: Record<string, { base: number; takesErrno: boolean }> = {
  SCMP_ACT_KILL: { base: 0x00000000, takesErrno: false },
  SCMP_ACT_KILL_THREAD: { base: 0x00000000, takesErrno: false },
  SCMP_ACT_KILL_PROCESS: { base: 0x80000000, takesErrno: false },
  SCMP_ACT_TRAP: { base: 0x00030000, takesErrno: false },
  SCMP_ACT_ERRNO: { base: 0x00050000, takesErrno: true },
  SCMP_ACT_TRACE: { base: 0x7ff00000, takesErrno: true },
  SCMP_ACT_NOTIFY: { base: 0x7fc00000, takesErrno: false },
  SCMP_ACT_LOG: { base: 0x7ffc0000, takesErrno: false },
  SCMP_ACT_ALLOW: { base: 0x7fff0000, takesErrno: false },
};

export const ACTION_NAMES = Object.keys(ACTIONS);

/**
 * The action word libseccomp expects. ERRNO and TRACE default to EPERM when
 * the config gives no errnoRet, as runc and crun do; errnoRet on any other
 * action is a config error. Throws with `pointer` naming the field.
 */
export function actionValue(name: string, errnoRet: number | undefined, pointer: string): number {
  const a = ACTIONS[name];
  if (!a) throw new Error(`${pointer}: unknown seccomp action \`${name}\``);
  if (!a.takesErrno) {
    if (errnoRet !== undefined) throw new Error(`${pointer}: errnoRet is only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not \`${name}\``);
    return a.base;
  }
  const code = errnoRet ?? EPERM;
  return (a.base | (code & 0xffff)) >>> 0;
}

export const SCMP_ACT_NOTIFY = ACTIONS.SCMP_ACT_NOTIFY.base;

/** SCMP_CMP_* operators. */
export const OPS: Record<string, number> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/** enum scmp_filter_attr values used for the config's flags. */
export const ATTR = { ACT_DEFAULT: 1, ACT_BADARCH: 2, CTL_NNP: 3, CTL_TSYNC: 4, CTL_LOG: 6, CTL_SSB: 7, CTL_WAITKILL: 10 } as const;

/**
 * SECCOMP_FILTER_FLAG_* as libseccomp attributes: libseccomp does not take the
 * kernel flags directly, each is a filter attribute set to 1.
 * WAIT_KILLABLE_RECV needs libseccomp 2.6 (Debian 12 ships 2.5.4).
 */
export const FLAGS: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: ATTR.CTL_TSYNC,
  SECCOMP_FILTER_FLAG_LOG: ATTR.CTL_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: ATTR.CTL_SSB,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: ATTR.CTL_WAITKILL,
};

/** `SCMP_ARCH_X86_64` → libseccomp's name `x86_64`. */
export function archName(specName: string): string {
  return specName.replace(/^SCMP_ARCH_/, '').toLowerCase();
}
