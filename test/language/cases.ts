// One config per diagnostic code, each made from the busybox bundle's base
// config: the LSP test (server-diagnostics) checks that each is reported
// with its quick fix, the parity test that the editor and `berth create`
// give each the same findings.
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '../../helper/spec/types';

export interface Case {
  code: string;
  /** Makes the base config trigger `code` (or returns raw text for parse errors). */
  bad: (s: Spec & Record<string, unknown>, bundleDir: string) => void | string;
  /** The quick fix expected for it, by title pattern; the fixed document must not have the code any more. */
  fix?: RegExp;
}

export const CASES: Case[] = [
  { code: 'json/parse', bad: () => '{\n\t"ociVersion": "1.3.0",\n}' },
  { code: 'schema/required', bad: (s) => { delete (s.process as Partial<Spec['process']>)!.cwd; } },
  { code: 'schema/type', bad: (s) => { (s.process as unknown as Record<string, unknown>).terminal = 'yes'; } },
  { code: 'schema/enum', bad: (s) => { s.linux!.namespaces!.push({ type: 'tme' as 'time' }); }, fix: /Change to `time`/ },
  { code: 'schema/minimum', bad: (s) => { s.process!.user.uid = -1; } },
  { code: 'schema/maximum', bad: (s) => { s.process!.user.gid = 2 ** 32; } },
  { code: 'schema/pattern', bad: (s) => { s.linux!.resources!.hugepageLimits = [{ pageSize: '64kB', limit: 1 }]; } },
  { code: 'schema/minItems', bad: (s) => { s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] }; } },
  { code: 'spec/unknown-key', bad: (s) => { s.domainnam = 'example.org'; }, fix: /Rename to `domainname`/ },
  { code: 'spec/unknown-key', bad: (s) => { (s.process as unknown as Record<string, unknown>).zzz = { a: 1 }; }, fix: /Remove `zzz`/ },
  { code: 'spec/deprecated', bad: (s) => { s.hooks = { prestart: [{ path: '/bin/true' }] }; } },
  { code: 'spec/oci-version', bad: (s) => { s.ociVersion = '2.0.0'; }, fix: /1\.3\.0/ },
  { code: 'root/missing', bad: (s) => { s.root!.path = 'no-such-rootfs'; } },
  { code: 'root/not-directory', bad: (s) => { s.root!.path = 'rootfs/bin/busybox'; } },
  { code: 'path/not-absolute', bad: (s) => { s.process!.cwd = 'tmp'; }, fix: /Change to `\/tmp`/ },
  { code: 'process/args-missing', bad: (s) => { s.process!.args = []; } },
  { code: 'process/executable-not-found', bad: (s) => { s.process!.args = ['no-such-program']; } },
  { code: 'process/unknown-capability', bad: (s) => { s.process!.capabilities!.bounding!.push('CAP_SYS_ADMN'); }, fix: /CAP_SYS_ADMIN/ },
  { code: 'process/capability-not-permitted', bad: (s) => { s.process!.capabilities!.effective!.push('CAP_CHOWN'); }, fix: /permitted/ },
  { code: 'process/ambient-not-inheritable', bad: (s) => { s.process!.capabilities!.ambient = ['CAP_KILL']; }, fix: /inheritable/ },
  { code: 'process/unknown-rlimit', bad: (s) => { s.process!.rlimits = [{ type: 'RLIMIT_NOFLE', soft: 1, hard: 1 }]; }, fix: /RLIMIT_NOFILE/ },
  { code: 'process/duplicate-rlimit', bad: (s) => { s.process!.rlimits!.push({ type: 'RLIMIT_NOFILE', soft: 10, hard: 10 }); }, fix: /Remove/ },
  { code: 'process/rlimit-soft-above-hard', bad: (s) => { s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 2048, hard: 1024 }]; }, fix: /Lower to 1024/ },
  { code: 'linux/hostname-without-uts', bad: (s) => { s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'uts'); }, fix: /Add a `uts` namespace/ },
  { code: 'linux/mappings-without-userns', bad: (s) => { s.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]; s.linux!.gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }]; }, fix: /Add a `user` namespace/ },
  { code: 'linux/time-offsets-without-timens', bad: (s) => { s.linux!.timeOffsets = { monotonic: { secs: 10 } }; }, fix: /Add a `time` namespace/ },
  { code: 'linux/duplicate-namespace', bad: (s) => { s.linux!.namespaces!.push({ type: 'pid' }); }, fix: /Remove the duplicate `pid`/ },
  { code: 'linux/userns-without-mappings', bad: (s) => { s.linux!.namespaces!.push({ type: 'user' }); } },
  { code: 'linux/uid-not-mapped', bad: (s) => { userns(s); s.process!.user.uid = 1000; } },
  { code: 'linux/gid-not-mapped', bad: (s) => { userns(s); s.process!.user.gid = 1000; } },
  { code: 'linux/sysctl-needs-namespace', bad: (s) => { s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'network'); s.linux!.sysctl = { 'net.ipv4.ip_forward': '1' }; }, fix: /Add a `network` namespace/ },
  { code: 'linux/sysctl-not-namespaced', bad: (s) => { s.linux!.sysctl = { 'vm.swappiness': '10' }; } },
  { code: 'mount/bind-without-source', bad: (s) => { s.mounts!.push({ destination: '/data', type: 'none', options: ['rbind'] }); } },
  { code: 'mount/source-missing', bad: (s) => { s.mounts!.push({ destination: '/data', type: 'bind', source: 'no-such-dir', options: ['rbind'] }); } },
  { code: 'process/oom-score-adj-range', bad: (s) => { s.process!.oomScoreAdj = 2000; }, fix: /Change to 1000/ },
  { code: 'process/console-size-without-terminal', bad: (s) => { s.process!.consoleSize = { height: 24, width: 80 }; }, fix: /Remove consoleSize/ },
  { code: 'linux/device-without-numbers', bad: (s) => { s.linux!.devices = [{ type: 'c', path: '/dev/fuse' }]; } },
  { code: 'resources/reservation-above-limit', bad: (s) => { s.linux!.resources!.memory = { limit: 100_000_000, reservation: 200_000_000 }; }, fix: /Lower to the limit/ },
  { code: 'resources/swap-below-limit', bad: (s) => { s.linux!.resources!.memory = { limit: 200_000_000, swap: 100_000_000 }; }, fix: /Raise to the limit/ },
  { code: 'seccomp/notify-without-listener', bad: (s) => { s.linux!.seccomp = { defaultAction: 'SCMP_ACT_NOTIFY' }; } },
  { code: 'seccomp/errno-without-errno-action', bad: (s) => { s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 1 }; }, fix: /Remove defaultErrnoRet/ },
  { code: 'linux/rootfs-propagation-recursive', bad: (s) => { s.linux!.rootfsPropagation = 'rprivate' as 'private'; } },
  { code: 'linux/time-offsets', bad: (s) => { s.linux!.namespaces!.push({ type: 'time' }); s.linux!.timeOffsets = { monotonic: { secs: 1, nanosecs: 2_000_000_000 } }; } },
  { code: 'mount/idmap', bad: (s) => { s.mounts!.push({ destination: '/data', type: 'bind', source: '/tmp', options: ['bind', 'idmap'] }); } },
  { code: 'process/required', bad: (s) => { delete (s as Partial<Spec>).process; } },
  { code: 'root/symlink', bad: (s, dir) => { linkRootfs(dir); s.root!.path = 'rootlink'; } },
  { code: 'linux/sysctl-hostname', bad: (s) => { s.linux!.sysctl = { 'kernel.hostname': 'x' }; } },
  { code: 'process/cpu-affinity', bad: (s) => { s.process!.execCPUAffinity = { initial: '3-1' }; } },
  { code: 'process/io-priority', bad: (s) => { s.process!.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 9 }; } },
  { code: 'process/scheduler', bad: (s) => { s.process!.scheduler = { policy: 'SCHED_FIFO' }; } },
  { code: 'linux/personality', bad: (s) => { s.linux!.personality = { domain: 'LINUX', flags: ['x'] }; } },
  { code: 'linux/memory-policy', bad: (s) => { s.linux!.memoryPolicy = { mode: 'MPOL_BIND' }; } },
  { code: 'linux/net-devices', bad: (s) => { s.linux!.netDevices = { lo: { name: 'a/b' } }; } },
  { code: 'host/cpu-affinity', bad: (s) => { s.process!.execCPUAffinity = { final: '1000' }; } },
  { code: 'host/net-devices', bad: (s) => { s.linux!.netDevices = { nosuchdev0: {} }; } },
  { code: 'host/unknown-filesystem', bad: (s) => { s.mounts!.push({ destination: '/x', type: 'nosuchfs', source: 'x' }); } },
  { code: 'host/unknown-syscall', bad: (s) => { s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read', 'not_a_syscall'], action: 'SCMP_ACT_ERRNO' }] }; } },
];

/** bundle/rootlink → rootfs, for root/symlink. */
function linkRootfs(dir: string): void {
  if (!existsSync(join(dir, 'rootlink'))) symlinkSync('rootfs', join(dir, 'rootlink'));
}

function userns(s: Spec): void {
  s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 1 }];
  s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 1 }];
}
