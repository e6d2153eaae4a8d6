// The "hardened" configuration of the benchmark: what a careful caller such
// as podman asks for on every container: memory and pids limits, the default
// seccomp profile, and a user namespace (container root is an unprivileged
// host uid). The profile is the one containers-common ships
// (/usr/share/containers/seccomp.json, Docker's format, which runc's users
// pass through their engines) resolved for this host's architecture and the
// bundle's capabilities, as podman resolves it before calling the runtime.
import { existsSync, readFileSync } from 'node:fs';
import type { Seccomp, SeccompSyscall, Spec } from '../../helper/spec/types';

export const CONTAINERS_PROFILE = '/usr/share/containers/seccomp.json';

/** The container's root in the host's uid/gid space, and how many ids it gets. */
const ID_BASE = 200_000;
const ID_COUNT = 65_536;

/** Docker-format profile: rules carry includes/excludes by architecture and capability. */
interface EngineRule {
  names?: string[];
  name?: string;
  action: string;
  errnoRet?: number;
  args?: SeccompSyscall['args'] | null;
  includes?: { arches?: string[]; caps?: string[] };
  excludes?: { arches?: string[]; caps?: string[] };
}

interface EngineProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  archMap?: { architecture: string; subArchitectures?: string[] }[];
  syscalls: EngineRule[];
}

/** Go's GOARCH names, which the profile's includes/excludes use, for this machine. */
function engineArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}

const SPEC_ARCH: Record<string, string> = { amd64: 'SCMP_ARCH_X86_64', arm64: 'SCMP_ARCH_AARCH64' };

/** Resolves an engine profile for this architecture and these capabilities. */
export function resolveProfile(p: EngineProfile, caps: string[]): Seccomp {
  const arch = engineArch();
  const native = SPEC_ARCH[arch];
  const archEntry = p.archMap?.find((a) => a.architecture === native);
  const holds = (list: string[] | undefined, pred: (x: string) => boolean) => list === undefined || list.length === 0 || list.every(pred);
  const syscalls: SeccompSyscall[] = [];
  for (const r of p.syscalls) {
    if (r.includes?.arches?.length && !r.includes.arches.includes(arch)) continue;
    if (r.excludes?.arches?.includes(arch)) continue;
    if (!holds(r.includes?.caps, (c) => caps.includes(c))) continue;
    if (r.excludes?.caps?.some((c) => caps.includes(c))) continue;
    const names = r.names ?? (r.name ? [r.name] : []);
    if (names.length === 0) continue;
    syscalls.push({
      names, action: r.action,
      ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}),
      ...(r.args?.length ? { args: r.args } : {}),
    });
  }
  return {
    defaultAction: p.defaultAction,
    ...(p.defaultErrnoRet !== undefined ? { defaultErrnoRet: p.defaultErrnoRet } : {}),
    architectures: archEntry ? [archEntry.architecture, ...(archEntry.subArchitectures ?? [])] : [native],
    syscalls,
  };
}

/**
 * Without containers-common: a representative allowlist (what a busybox
 * shell and /bin/true need, plus the usual process and file calls), ENOSYS
 * for the rest as the engines' profiles do.
 */
function fallbackProfile(): Seccomp {
  const names = [
    'access', 'arch_prctl', 'brk', 'capget', 'capset', 'chdir', 'clock_gettime', 'clock_nanosleep', 'clone', 'clone3', 'close', 'close_range',
    'dup', 'dup2', 'dup3', 'epoll_create1', 'epoll_ctl', 'epoll_pwait', 'epoll_wait', 'execve', 'execveat', 'exit', 'exit_group', 'faccessat',
    'faccessat2', 'fchdir', 'fchmod', 'fchown', 'fcntl', 'fstat', 'fstatfs', 'futex', 'getcwd', 'getdents64', 'getegid', 'geteuid', 'getgid',
    'getgroups', 'getpgrp', 'getpid', 'getppid', 'getrandom', 'getrlimit', 'gettid', 'getuid', 'ioctl', 'kill', 'lseek', 'lstat', 'madvise',
    'mkdir', 'mkdirat', 'mmap', 'mprotect', 'munmap', 'nanosleep', 'newfstatat', 'open', 'openat', 'pipe', 'pipe2', 'poll', 'ppoll', 'prctl',
    'pread64', 'prlimit64', 'pselect6', 'read', 'readlink', 'readlinkat', 'rename', 'renameat2', 'rseq', 'rt_sigaction', 'rt_sigprocmask',
    'rt_sigreturn', 'sched_getaffinity', 'sched_yield', 'select', 'set_robust_list', 'set_tid_address', 'setgid', 'setgroups', 'setpgid',
    'setresgid', 'setresuid', 'setsid', 'setuid', 'sigaltstack', 'stat', 'statfs', 'statx', 'sysinfo', 'tgkill', 'umask', 'uname', 'unlink',
    'unlinkat', 'wait4', 'waitid', 'write', 'writev',
  ];
  return { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] };
}

/** Where the profile came from, for the table's note. */
export function profileSource(): string {
  return existsSync(CONTAINERS_PROFILE) ? `${CONTAINERS_PROFILE} resolved for ${engineArch()}` : 'a representative allowlist (containers-common not installed)';
}

/** Turns a default busybox spec into the hardened one, in place. */
export function harden(s: Spec): void {
  const caps = s.process?.capabilities?.bounding ?? [];
  s.linux!.seccomp = existsSync(CONTAINERS_PROFILE) ? resolveProfile(JSON.parse(readFileSync(CONTAINERS_PROFILE, 'utf8')) as EngineProfile, caps) : fallbackProfile();
  s.linux!.resources = { ...s.linux!.resources, memory: { limit: 256 * 1024 * 1024 }, pids: { limit: 128 } };
  if (!s.linux!.namespaces!.some((n) => n.type === 'user')) s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = [{ containerID: 0, hostID: ID_BASE, size: ID_COUNT }];
  s.linux!.gidMappings = [{ containerID: 0, hostID: ID_BASE, size: ID_COUNT }];
}
