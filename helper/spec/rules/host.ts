// Checks against the running kernel (only with `host`): things the config
// may name correctly in general but that this machine cannot provide.
import type { Finding } from '../finding';
import { CAPABILITY_NAMES } from '../names/capabilities';
import { join } from '../pointer';
import type { Resources } from '../types';
import { cpuList } from './attributes';
import { arr, obj, type Rule } from './rule';

const CAP_INDEX = new Map(CAPABILITY_NAMES.map((n, i) => [n, i]));

export const hostCapabilities: Rule = {
  codes: ['host/unknown-capability'],
  check({ config: c, host }) {
    const caps = obj(c.process?.capabilities);
    if (!host || !caps) return [];
    const out: Finding[] = [];
    for (const [set, list] of Object.entries(caps)) {
      arr<unknown>(list).forEach((name, i) => {
        const bit = typeof name === 'string' ? CAP_INDEX.get(name) : undefined;
        if (bit !== undefined && bit > host.lastCap) {
          out.push({ pointer: join('/process/capabilities', set, i), code: 'host/unknown-capability', severity: 'warning', message: `process.capabilities.${set}[${i}] \`${String(name)}\` is unknown to this kernel (cap_last_cap ${host.lastCap})` });
        }
      });
    }
    return out;
  },
};

const NOT_FILESYSTEMS = new Set(['', 'bind', 'none', 'rbind']);

export const hostFilesystems: Rule = {
  codes: ['host/unknown-filesystem'],
  check({ config: c, host }) {
    if (!host) return [];
    const out: Finding[] = [];
    arr<{ type?: unknown }>(c.mounts).forEach((m, i) => {
      const t = m?.type;
      // fuse.sshfs-style subtypes are resolved by the helper, not the kernel.
      if (typeof t !== 'string' || NOT_FILESYSTEMS.has(t) || t.includes('.') || host.filesystems.has(t)) return;
      out.push({ pointer: join('/mounts', i, 'type'), code: 'host/unknown-filesystem', severity: 'warning', message: `mounts[${i}].type \`${t}\` is not in /proc/filesystems (module not loaded?)` });
    });
    return out;
  },
};

/** resources key → controller name under each cgroup version (undefined: no such controller there). */
const CONTROLLERS: Record<string, { v1?: string; v2?: string }> = {
  memory: { v1: 'memory', v2: 'memory' },
  cpu: { v1: 'cpu', v2: 'cpu' },
  pids: { v1: 'pids', v2: 'pids' },
  blockIO: { v1: 'blkio', v2: 'io' },
  hugepageLimits: { v1: 'hugetlb', v2: 'hugetlb' },
  network: { v1: 'net_cls' },
  rdma: { v1: 'rdma', v2: 'rdma' },
};

export const hostCgroups: Rule = {
  codes: ['host/cgroup-controller-missing', 'host/unified-without-cgroup2'],
  check({ config: c, host }) {
    const res = obj(c.linux?.resources) as Resources | undefined;
    if (!host || !res) return [];
    const out: Finding[] = [];
    for (const [key, ctl] of Object.entries(CONTROLLERS)) {
      if ((res as Record<string, unknown>)[key] === undefined) continue;
      const name = ctl[host.cgroupMode];
      if (name && host.cgroupControllers.has(name)) continue;
      out.push({
        pointer: `/linux/resources/${key}`, code: 'host/cgroup-controller-missing', severity: 'warning',
        message: name ? `linux.resources.${key} needs the \`${name}\` cgroup controller, which this host (cgroup ${host.cgroupMode}) does not offer`
          : `linux.resources.${key} has no cgroup ${host.cgroupMode} controller on this host`,
      });
    }
    if (res.unified && Object.keys(res.unified).length > 0 && host.cgroupMode !== 'v2') {
      out.push({ pointer: '/linux/resources/unified', code: 'host/unified-without-cgroup2', severity: 'warning', message: 'linux.resources.unified needs the unified cgroup v2 hierarchy; this host mounts cgroup v1 at /sys/fs/cgroup' });
    }
    return out;
  },
};

export const hostSyscalls: Rule = {
  codes: ['host/unknown-syscall'],
  check({ config: c, host }) {
    const rules = arr<{ names?: unknown }>(c.linux?.seccomp?.syscalls);
    if (!host || rules.length === 0) return [];
    const out: Finding[] = [];
    rules.forEach((r, i) => arr<unknown>(r?.names).forEach((name, j) => {
      if (typeof name === 'string' && host.resolvesSyscall(name) === false) {
        out.push({ pointer: join('/linux/seccomp/syscalls', i, 'names', j), code: 'host/unknown-syscall', severity: 'warning', message: `linux.seccomp.syscalls[${i}].names[${j}] \`${name}\` is not a syscall libseccomp knows on this host` });
      }
    }));
    return out;
  },
};

export const hostNamespaces: Rule = {
  codes: ['host/unknown-namespace'],
  check({ config: c, host }) {
    if (!host) return [];
    const out: Finding[] = [];
    arr<{ type?: unknown }>(c.linux?.namespaces).forEach((n, i) => {
      if (typeof n?.type === 'string' && !host.namespaces.has(n.type) && ['mount', 'pid', 'network', 'uts', 'ipc', 'user', 'cgroup', 'time'].includes(n.type)) {
        out.push({ pointer: join('/linux/namespaces', i, 'type'), code: 'host/unknown-namespace', severity: 'error', message: `linux.namespaces[${i}] \`${n.type}\` namespaces are not supported by this kernel` });
      }
    });
    return out;
  },
};

/** Items of a list (CPUs, nodes) that the host's online list lacks; none when either list is unreadable. */
function notOnline(list: unknown, online: string | undefined): number[] {
  if (typeof list !== 'string' || online === undefined) return [];
  const want = cpuList(list);
  const have = cpuList(online);
  return typeof want === 'string' || typeof have === 'string' ? [] : want.filter((n) => !have.includes(n));
}

export const hostCpusAndNodes: Rule = {
  codes: ['host/cpu-affinity', 'host/memory-policy'],
  check({ config: c, host }) {
    if (!host) return [];
    const out: Finding[] = [];
    for (const stage of ['initial', 'final'] as const) {
      const missing = notOnline(obj(obj(c.process)?.execCPUAffinity)?.[stage], host.cpusOnline);
      if (missing.length) out.push({ pointer: `/process/execCPUAffinity/${stage}`, code: 'host/cpu-affinity', severity: 'error', message: `cpu ${missing.join(',')} is not online on this host (online: ${host.cpusOnline})` });
    }
    const missing = notOnline(obj(obj(c.linux)?.memoryPolicy)?.nodes, host.nodesOnline);
    if (missing.length) out.push({ pointer: '/linux/memoryPolicy/nodes', code: 'host/memory-policy', severity: 'error', message: `numa node ${missing.join(',')} is not online on this host` });
    return out;
  },
};

export const hostNetDevices: Rule = {
  codes: ['host/net-devices'],
  check({ config: c, host }) {
    const devices = Object.keys(obj(obj(c.linux)?.netDevices) ?? {});
    if (!host || devices.length === 0) return [];
    const out: Finding[] = [];
    if (!host.ipBinary) out.push({ pointer: '/linux/netDevices', code: 'host/net-devices', severity: 'error', message: 'moving network devices needs iproute2 (`ip`), which is not installed' });
    for (const name of devices) {
      if (!host.hasInterface(name)) out.push({ pointer: join('/linux/netDevices', name), code: 'host/net-devices', severity: 'error', message: `network device \`${name}\` does not exist on this host` });
    }
    return out;
  },
};
