// The features document of features.md, truthful for this build *and* this
// host: every list is what the code implements, narrowed by a probe of what
// the kernel and libraries here offer. Served by `berth features` and by
// berthd's `features` method alike.
import { readdirSync, readFileSync } from 'node:fs';
import { CAPS, lastCap } from '../linux/caps';
import { cgroupFeatures } from '../linux/cgroups';
import { idmapSupported } from '../linux/mount';
import { ipBinary } from '../linux/netdev';
import { apparmorEnabled, selinuxEnabled } from '../linux/lsm';
import { MPOL_MODES } from '../linux/attrs/mempolicy';
import { ACTION_NAMES, FLAGS, OPS } from '../linux/seccomp/names';
import { libseccomp } from '../linux/seccomp/lib';
import { OCI_VERSION } from '../spec/default';

/** features.md's document, with the Linux part this runtime fills in. */
export type FeaturesDocument = {
  ociVersionMin: string;
  ociVersionMax: string;
  hooks: string[];
  mountOptions: string[];
  linux: {
    namespaces: string[];
    capabilities: string[];
    cgroup: { v1: boolean; v2: boolean; systemd: boolean; systemdUser: boolean; rdma: boolean };
    seccomp: { enabled: boolean; actions?: string[]; operators?: string[]; archs?: string[]; knownFlags?: string[]; supportedFlags?: string[] };
    apparmor: { enabled: boolean };
    selinux: { enabled: boolean };
    intelRdt: { enabled: boolean };
    mountExtensions: { idmap: { enabled: boolean } };
    netDevices: { enabled: boolean };
  };
  annotations: Record<string, string>;
  potentiallyUnsafeConfigAnnotations: string[];
};

/** Options helper/linux/mountopts.ts turns into mount(2) calls (tmpcopyup is not implemented; idmap and ridmap only where the kernel has them). */
const MOUNT_OPTIONS = [
  'async', 'atime', 'bind', 'defaults', 'dev', 'diratime', 'dirsync', 'exec', 'lazytime', 'loud', 'mand', 'noatime',
  'nodev', 'nodiratime', 'noexec', 'nolazytime', 'nomand', 'norelatime', 'nostrictatime', 'nosuid', 'nosymfollow',
  'private', 'rbind', 'relatime', 'remount', 'ro', 'rprivate', 'rshared', 'rslave', 'runbindable', 'rw', 'shared',
  'silent', 'slave', 'strictatime', 'suid', 'symfollow', 'sync', 'unbindable',
  'ratime', 'rdev', 'rdiratime', 'rexec', 'rnoatime', 'rnodev', 'rnodiratime', 'rnoexec', 'rnorelatime', 'rnostrictatime',
  'rnosuid', 'rnosymfollow', 'rrelatime', 'rro', 'rrw', 'rstrictatime', 'rsuid', 'rsymfollow',
];
const IDMAP_OPTIONS = ['idmap', 'ridmap'];

/** /proc/self/ns entry → the config's namespace type (the init implements all eight). */
const NS_TYPES: Record<string, string> = { cgroup: 'cgroup', ipc: 'ipc', mnt: 'mount', net: 'network', pid: 'pid', time: 'time', user: 'user', uts: 'uts' };

/** The kernel's names in /proc/sys/kernel/seccomp/actions_avail for each config action. */
const KERNEL_ACTION: Record<string, string> = {
  SCMP_ACT_KILL: 'kill_thread', SCMP_ACT_KILL_THREAD: 'kill_thread', SCMP_ACT_KILL_PROCESS: 'kill_process', SCMP_ACT_TRAP: 'trap',
  SCMP_ACT_ERRNO: 'errno', SCMP_ACT_TRACE: 'trace', SCMP_ACT_LOG: 'log', SCMP_ACT_ALLOW: 'allow', SCMP_ACT_NOTIFY: 'user_notif',
};

/** Every architecture name of the config schema; libseccomp says which it knows. */
const SPEC_ARCHES = [
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_LOONGARCH64', 'SCMP_ARCH_M68K',
  'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_RISCV64', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB',
];

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function hostNamespaces(): string[] {
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc/self/ns');
  } catch {
    // no /proc: claim nothing
  }
  return entries.filter((e) => e in NS_TYPES).map((e) => NS_TYPES[e]).sort();
}

function seccompFeatures(): FeaturesDocument['linux']['seccomp'] {
  // The kernel has seccomp filters when the status file shows the field; libseccomp must load too.
  if (!/^Seccomp:/m.test(read('/proc/self/status') ?? '')) return { enabled: false };
  let lib: ReturnType<typeof libseccomp>;
  try {
    lib = libseccomp();
  } catch {
    return { enabled: false };
  }
  const kernelActions = new Set((read('/proc/sys/kernel/seccomp/actions_avail') ?? '').trim().split(/\s+/));
  const v = lib.version();
  // WAIT_KILLABLE_RECV is a libseccomp 2.6 attribute (names.ts); the rest exist in 2.5.
  const libHasWaitKill = v.major > 2 || (v.major === 2 && v.minor >= 6);
  const knownFlags = Object.keys(FLAGS);
  return {
    enabled: true,
    actions: ACTION_NAMES.filter((a) => kernelActions.has(KERNEL_ACTION[a])),
    operators: Object.keys(OPS),
    archs: SPEC_ARCHES.filter((a) => lib.archResolveName(a.replace(/^SCMP_ARCH_/, '').toLowerCase()) !== 0),
    knownFlags,
    supportedFlags: knownFlags.filter((f) => f !== 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV' || libHasWaitKill),
  };
}

/** Builds the document; reads /proc, /sys and libseccomp (a few ms). */
export function featuresDocument(): FeaturesDocument {
  const cg = cgroupFeatures();
  const idmap = idmapSupported();
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: OCI_VERSION,
    hooks: ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'],
    mountOptions: idmap ? [...MOUNT_OPTIONS, ...IDMAP_OPTIONS] : MOUNT_OPTIONS,
    linux: {
      namespaces: hostNamespaces(),
      capabilities: CAPS.slice(0, lastCap() + 1),
      cgroup: { v1: cg.v1, v2: cg.v2, systemd: cg.systemd, systemdUser: cg.systemdUser, rdma: cg.rdma },
      seccomp: seccompFeatures(),
      apparmor: { enabled: apparmorEnabled() },
      selinux: { enabled: selinuxEnabled() },
      // resctrl configuration is not implemented: a config asking for it is refused (helper/spec/rules/attributes.ts).
      intelRdt: { enabled: false },
      // ID-mapped bind mounts for containers with a user namespace (helper/runtime/idmap.ts).
      mountExtensions: { idmap: { enabled: idmap } },
      netDevices: { enabled: ipBinary() !== undefined },
    },
    // Config annotations that change what the container may do (crun's, honoured by the init: main.ts).
    potentiallyUnsafeConfigAnnotations: ['run.oci.keep_original_groups'],
    annotations: {
      'org.opencontainers.runtime-spec.features.v1.berth': 'true',
      // Not part of features.md's fields: the memoryPolicy modes set_mempolicy(2) takes here, for callers that ask.
      'io.berth.memoryPolicy.modes': Object.keys(MPOL_MODES).join(','),
    },
  };
}
