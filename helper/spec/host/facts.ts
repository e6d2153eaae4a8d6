// What the running kernel supports, read once and cached (for 30 s): the
// editor asks on every keystroke and `berth create` once per container, so
// each fact costs one small /proc read, and libseccomp is loaded only when a
// config names syscalls. The spec layer sits above every other layer: it
// reads /proc itself and uses only the helper/linux modules that bind no
// libc (lsm, resctrl, netdev: plain file checks), never koffi but for
// libseccomp's name lookup below.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statfsSync } from 'node:fs';
import { apparmorEnabled, selinuxEnabled } from '../../linux/lsm';
import { hostInterfaceExists, ipBinary } from '../../linux/netdev';
import { resctrlMount } from '../../linux/resctrl';

export interface HostFacts {
  /** Highest capability number the kernel knows (/proc/sys/kernel/cap_last_cap). */
  lastCap: number;
  /** Filesystem types the kernel can mount now (/proc/filesystems). */
  filesystems: ReadonlySet<string>;
  /** `v2` when /sys/fs/cgroup is the unified hierarchy, else `v1` (legacy or hybrid). */
  cgroupMode: 'v1' | 'v2';
  /** Controllers a container cgroup can use under that mode. */
  cgroupControllers: ReadonlySet<string>;
  /** Namespace types, in config spelling (`network`, `mount`, …). */
  namespaces: ReadonlySet<string>;
  /** Whether libseccomp resolves a syscall name; undefined when libseccomp cannot be loaded. */
  resolvesSyscall(name: string): boolean | undefined;
  /** AppArmor is enabled (/sys/module/apparmor/parameters/enabled is `Y`). */
  apparmor: boolean;
  /** SELinux is enabled (selinuxfs mounted at /sys/fs/selinux). */
  selinux: boolean;
  /** resctrl (Intel RDT) is mounted. */
  resctrl: boolean;
  /** /sys/devices/system/cpu/online as the kernel writes it ("0-3"); undefined when unreadable. */
  cpusOnline?: string;
  /** /sys/devices/system/node/online; undefined when unreadable (no NUMA support). */
  nodesOnline?: string;
  /** iproute2's `ip` is installed (moving linux.netDevices needs it). */
  ipBinary: boolean;
  /** Whether a network interface of this name exists in the caller's network namespace. */
  hasInterface(name: string): boolean;
  /**
   * Whether execve moves a process into the time namespace its parent
   * unshared (berth's init relies on it to write offsets with nanoseconds,
   * runtime/timens.ts). Probed once per process, and only when asked; true
   * when the probe cannot run (an unprivileged editor cannot unshare).
   */
  timeNsAtExec(): boolean;
  /** The kernel has open_tree and mount_setattr for ID-mapped mounts (Linux 5.12 and later, by its release). */
  idmapMounts: boolean;
}


const CGROUP2_SUPER_MAGIC = 0x63677270;
const NS_NAMES: Record<string, string> = { mnt: 'mount', net: 'network', pid: 'pid', ipc: 'ipc', uts: 'uts', user: 'user', cgroup: 'cgroup', time: 'time' };

const read = (path: string): string => { try { return readFileSync(path, 'utf8'); } catch { return ''; } };
const readLink = (path: string): string => { try { return readlinkSync(path); } catch { return ''; } };

function cgroupFacts(): { mode: 'v1' | 'v2'; controllers: Set<string> } {
  let v2 = false;
  try { v2 = statfsSync('/sys/fs/cgroup').type === CGROUP2_SUPER_MAGIC; } catch { /* no cgroupfs: treat as v1 with nothing */ }
  if (v2) return { mode: 'v2', controllers: new Set(read('/sys/fs/cgroup/cgroup.controllers').split(/\s+/).filter(Boolean)) };
  // /proc/cgroups: name, hierarchy id, cgroups, enabled. Hierarchy 0 means not mounted as v1.
  const controllers = new Set<string>();
  for (const line of read('/proc/cgroups').split('\n')) {
    const [name, hier, , enabled] = line.split('\t');
    if (name && !name.startsWith('#') && hier !== '0' && enabled === '1') controllers.add(name);
  }
  return { mode: 'v1', controllers };
}

type Resolver = (name: string) => number;
/** libseccomp's answers never change while the process runs. */
const syscalls = new Map<string, boolean>();
let resolver: Resolver | null | undefined;
function loadSeccomp(): Resolver | null {
  if (resolver !== undefined) return resolver;
  try {
    const koffi = require('koffi') as typeof import('koffi');
    const lib = koffi.load('libseccomp.so.2');
    resolver = lib.func('int seccomp_syscall_resolve_name(const char *name)') as Resolver;
  } catch {
    resolver = null;
  }
  return resolver;
}

/** `6.1.0-13-amd64` against major.minor; true when the release cannot be read (the runtime fails with errno then). */
function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return !m || Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor);
}

let timeProbe: boolean | undefined;
function timeNsAtExec(): boolean {
  if (timeProbe === undefined) {
    // util-linux's unshare, as the runtime runs it (runtime/userns.ts).
    const r = spawnSync('/usr/bin/unshare', ['--time', '--', '/bin/readlink', '/proc/self/ns/time'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const seen = r.stdout?.trim() ?? '';
    timeProbe = r.status !== 0 || !/^time:\[\d+\]$/.test(seen) || seen !== readLink('/proc/self/ns/time');
  }
  return timeProbe;
}

let cached: HostFacts | undefined;
let cachedAt = 0;
/** The editor keeps running while modules load and cgroups get mounted: facts older than this are read again. */
const FACTS_TTL_MS = 30_000;

export function hostFacts(): HostFacts {
  if (cached && Date.now() - cachedAt < FACTS_TTL_MS) return cached;
  cachedAt = Date.now();
  const cg = cgroupFacts();
  const nsDir = '/proc/self/ns';
  cached = {
    lastCap: Number.parseInt(read('/proc/sys/kernel/cap_last_cap'), 10) || 40,
    filesystems: new Set(read('/proc/filesystems').split('\n').map((l) => l.split('\t').pop()!.trim()).filter(Boolean)),
    cgroupMode: cg.mode,
    cgroupControllers: cg.controllers,
    namespaces: new Set(existsSync(nsDir) ? readdirSync(nsDir).map((n) => NS_NAMES[n]).filter((n): n is string => !!n) : []),
    resolvesSyscall(name) {
      const known = syscalls.get(name);
      if (known !== undefined) return known;
      const f = loadSeccomp();
      if (!f) return undefined;
      const ok = f(name) >= 0;
      syscalls.set(name, ok);
      return ok;
    },
    apparmor: apparmorEnabled(),
    selinux: selinuxEnabled(),
    resctrl: resctrlMount() !== undefined,
    cpusOnline: read('/sys/devices/system/cpu/online').trim() || undefined,
    nodesOnline: read('/sys/devices/system/node/online').trim() || undefined,
    ipBinary: ipBinary() !== undefined,
    hasInterface: hostInterfaceExists,
    timeNsAtExec,
    idmapMounts: kernelAtLeast(read('/proc/sys/kernel/osrelease'), 5, 12),
  };
  return cached;
}

let syscallList: string[] | undefined;

/**
 * Syscall names of the native architecture, as libseccomp knows them (for
 * completion). Empty when libseccomp cannot be loaded. libseccomp returns
 * malloc'd names; they are read once per process and never freed (a few kB).
 */
export function syscallNames(): readonly string[] {
  if (syscallList) return syscallList;
  syscallList = [];
  try {
    const koffi = require('koffi') as typeof import('koffi');
    const lib = koffi.load('libseccomp.so.2');
    const byNumber = lib.func('const char *seccomp_syscall_resolve_num_arch(uint32_t arch, int num)') as (arch: number, num: number) => string | null;
    const SCMP_ARCH_NATIVE = 0;
    for (let n = 0; n < 1024; n++) {
      const name = byNumber(SCMP_ARCH_NATIVE, n);
      if (name) syscallList.push(name);
    }
    syscallList.sort();
  } catch {
    // libseccomp missing: completion simply offers no syscall names.
  }
  return syscallList;
}
