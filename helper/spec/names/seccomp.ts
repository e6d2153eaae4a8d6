// The seccomp vocabulary of config-linux.md (actions, architectures,
// argument operators, filter flags), each with what it means.

export const SECCOMP_ACTIONS: readonly [name: string, what: string][] = [
  ['SCMP_ACT_KILL', 'kill the thread that made the call (same as SCMP_ACT_KILL_THREAD)'],
  ['SCMP_ACT_KILL_PROCESS', 'kill the whole process'],
  ['SCMP_ACT_KILL_THREAD', 'kill the calling thread'],
  ['SCMP_ACT_TRAP', 'send SIGSYS to the thread'],
  ['SCMP_ACT_ERRNO', 'fail the call with `errnoRet` (EPERM by default)'],
  ['SCMP_ACT_TRACE', 'notify a ptrace tracer; fail with ENOSYS when none'],
  ['SCMP_ACT_ALLOW', 'let the call through'],
  ['SCMP_ACT_LOG', 'let the call through and log it'],
  ['SCMP_ACT_NOTIFY', 'ask the user-space agent on `listenerPath` to decide'],
];

export const SECCOMP_ARCHES: readonly string[] = [
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K', 'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X',
  'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64',
];

export const SECCOMP_OPERATORS: readonly [name: string, what: string][] = [
  ['SCMP_CMP_NE', 'argument is not equal to `value`'],
  ['SCMP_CMP_LT', 'argument is less than `value`'],
  ['SCMP_CMP_LE', 'argument is less than or equal to `value`'],
  ['SCMP_CMP_EQ', 'argument equals `value`'],
  ['SCMP_CMP_GE', 'argument is greater than or equal to `value`'],
  ['SCMP_CMP_GT', 'argument is greater than `value`'],
  ['SCMP_CMP_MASKED_EQ', 'argument AND `value` equals `valueTwo`'],
];

export const SECCOMP_FLAGS: readonly [name: string, what: string][] = [
  ['SECCOMP_FILTER_FLAG_TSYNC', 'apply the filter to every thread of the process'],
  ['SECCOMP_FILTER_FLAG_LOG', 'log every action except SCMP_ACT_ALLOW'],
  ['SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'do not enable the speculative store bypass mitigation'],
  ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV', 'notify: wait killably once the agent has received the request'],
];
