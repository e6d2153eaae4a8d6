// Linux config fields that depend on what this host offers (security
// modules, resctrl, CPUs, NUMA nodes, network interfaces) or that the kernel
// would only refuse late: checked before anything is created, each finding
// naming the field, so a config the host cannot honour leaves nothing behind.
import { readFileSync } from 'node:fs';
import { parseList } from '../linux/cpulist';
import { apparmorEnabled, selinuxEnabled } from '../linux/lsm';
import { MODES_WITHOUT_NODES } from '../linux/attrs/mempolicy';
import { hostInterfaceExists, ipBinary } from '../linux/netdev';
import { resctrlMount } from '../linux/resctrl';
import type { Finding } from '../spec/finding';
import type { Spec } from '../spec/types';

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function onlineList(path: string): number[] | undefined {
  try {
    return parseList(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined;
  }
}

export function hostFindings(spec: Spec): Finding[] {
  const out: Finding[] = [];
  const err = (pointer: string, code: string, message: string) => out.push({ pointer, code: `host/${code}`, severity: 'error', message });
  const p = spec.process;
  const linux = spec.linux;

  if (p?.apparmorProfile && !apparmorEnabled()) {
    err('/process/apparmorProfile', 'apparmor', `apparmor profile \`${p.apparmorProfile}\` requested but AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled)`);
  }
  if (p?.selinuxLabel && !selinuxEnabled()) {
    err('/process/selinuxLabel', 'selinux', `selinux label \`${p.selinuxLabel}\` requested but SELinux is not enabled on this host (no /sys/fs/selinux)`);
  }
  if (linux?.mountLabel) {
    err('/linux/mountLabel', 'selinux', selinuxEnabled()
      ? 'mount labels are not supported by berth yet'
      : `mount label \`${linux.mountLabel}\` requested but SELinux is not enabled on this host (no /sys/fs/selinux)`);
  }
  if (linux?.intelRdt) {
    err('/linux/intelRdt', 'resctrl', resctrlMount()
      ? 'intel rdt (resctrl) is not supported by berth yet'
      : 'intel rdt requested but resctrl is not mounted on this host (mount -t resctrl resctrl /sys/fs/resctrl)');
  }

  const cpus = onlineList('/sys/devices/system/cpu/online');
  for (const stage of ['initial', 'final'] as const) {
    const list = p?.execCPUAffinity?.[stage];
    if (list === undefined) continue;
    const ptr = `/process/execCPUAffinity/${stage}`;
    try {
      const want = parseList(list);
      if (want.length === 0) err(ptr, 'cpu-affinity', 'cpu list is empty');
      const missing = cpus ? want.filter((c) => !cpus.includes(c)) : [];
      if (missing.length) err(ptr, 'cpu-affinity', `cpu ${missing.join(',')} is not online on this host (online: ${readFileSync('/sys/devices/system/cpu/online', 'utf8').trim()})`);
    } catch (e) {
      err(ptr, 'cpu-affinity', `cpu list \`${list}\`: ${(e as Error).message}`);
    }
  }

  if (p?.ioPriority && (p.ioPriority.priority ?? 0) > 7) err('/process/ioPriority/priority', 'io-priority', `i/o priority ${p.ioPriority.priority} is out of range 0..7`);
  if (p?.ioPriority && (p.ioPriority.priority ?? 0) < 0) err('/process/ioPriority/priority', 'io-priority', `i/o priority ${p.ioPriority.priority} is out of range 0..7`);

  const s = p?.scheduler;
  if (s) {
    const rt = s.policy === 'SCHED_FIFO' || s.policy === 'SCHED_RR';
    if (rt && !(s.priority !== undefined && s.priority >= 1 && s.priority <= 99)) err('/process/scheduler/priority', 'scheduler', `${s.policy} needs a priority from 1 to 99`);
    if (!rt && s.priority) err('/process/scheduler/priority', 'scheduler', `${s.policy} takes no priority (only SCHED_FIFO and SCHED_RR do)`);
    if (s.nice !== undefined && (s.nice < -20 || s.nice > 19)) err('/process/scheduler/nice', 'scheduler', `nice ${s.nice} is out of range -20..19`);
    if (s.policy === 'SCHED_DEADLINE' && !(s.runtime && s.deadline && s.period)) err('/process/scheduler', 'scheduler', 'SCHED_DEADLINE needs runtime, deadline and period');
    if (s.policy === 'SCHED_ISO') err('/process/scheduler/policy', 'scheduler', 'SCHED_ISO is not implemented by the linux kernel');
  }

  if (linux?.personality?.flags?.length) err('/linux/personality/flags', 'personality', 'personality flags are not supported (the runtime spec defines none)');

  const mp = linux?.memoryPolicy;
  if (mp) {
    const nodesPtr = '/linux/memoryPolicy/nodes';
    let nodes: number[] = [];
    try {
      nodes = parseList(mp.nodes ?? '');
    } catch (e) {
      err(nodesPtr, 'memory-policy', `node list \`${mp.nodes}\`: ${(e as Error).message}`);
    }
    if (MODES_WITHOUT_NODES.has(mp.mode) && nodes.length) err(nodesPtr, 'memory-policy', `${mp.mode} takes no nodes`);
    if (!MODES_WITHOUT_NODES.has(mp.mode) && mp.mode !== 'MPOL_PREFERRED' && nodes.length === 0) err(nodesPtr, 'memory-policy', `${mp.mode} needs nodes`);
    const online = onlineList('/sys/devices/system/node/online');
    const missing = online ? nodes.filter((n) => !online.includes(n)) : [];
    if (missing.length) err(nodesPtr, 'memory-policy', `numa node ${missing.join(',')} is not online on this host`);
    const f = mp.flags ?? [];
    if (f.includes('MPOL_F_STATIC_NODES') && f.includes('MPOL_F_RELATIVE_NODES')) err('/linux/memoryPolicy/flags', 'memory-policy', 'MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other');
  }

  const netDevices = Object.entries(linux?.netDevices ?? {});
  if (netDevices.length) {
    const hasNetNs = (linux?.namespaces ?? []).some((n) => n.type === 'network');
    if (!hasNetNs) err('/linux/netDevices', 'net-devices', 'moving network devices needs a network namespace of the container\'s own');
    if (!ipBinary()) err('/linux/netDevices', 'net-devices', 'moving network devices needs iproute2 (`ip`), which is not installed');
    for (const [host, d] of netDevices) {
      const ptr = `/linux/netDevices/${esc(host)}`;
      if (!hostInterfaceExists(host)) err(ptr, 'net-devices', `network device \`${host}\` does not exist on this host`);
      const name = d.name ?? host;
      if (!/^[^/\s:]{1,15}$/.test(name) || name === '.' || name === '..') err(`${ptr}/name`, 'net-devices', `\`${name}\` is not a valid interface name (1 to 15 characters, no slash, colon or space)`);
    }
  }
  return out;
}
