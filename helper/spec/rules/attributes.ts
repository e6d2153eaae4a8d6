// The process and linux attributes the init applies right before execve
// (scheduler, ioPriority, execCPUAffinity, personality, memoryPolicy) and
// linux.netDevices: values the schema lets through that the kernel or
// berth would refuse only once the container is half made. What this host
// offers (online CPUs and nodes, security modules, interfaces) is host.ts's.
import { parseList } from '../../linux/cpulist';
import type { Finding } from '../finding';
import { join } from '../pointer';
import type { Process } from '../types';
import { namespaceTypes, obj, type Rule } from './rule';

/** Memory policy modes that take no node list (the kernel wants an empty mask). */
const MODES_WITHOUT_NODES = new Set(['MPOL_DEFAULT', 'MPOL_LOCAL']);

/** The parsed list, or the parse error's text. */
export function cpuList(text: string): number[] | string {
  try {
    return parseList(text);
  } catch (e) {
    return (e as Error).message;
  }
}

const err = (pointer: string, code: string, message: string): Finding => ({ pointer, code, severity: 'error', message });

export const processAttributes: Rule = {
  codes: ['process/cpu-affinity', 'process/io-priority', 'process/scheduler'],
  check({ config: c }) {
    const p = obj(c.process) as Process | undefined;
    if (!p) return [];
    const out: Finding[] = [];
    for (const stage of ['initial', 'final'] as const) {
      const list = obj(p.execCPUAffinity)?.[stage];
      if (typeof list !== 'string') continue;
      const want = cpuList(list);
      const ptr = `/process/execCPUAffinity/${stage}`;
      if (typeof want === 'string') out.push(err(ptr, 'process/cpu-affinity', `process.execCPUAffinity.${stage} \`${list}\`: ${want}`));
      else if (want.length === 0) out.push(err(ptr, 'process/cpu-affinity', `process.execCPUAffinity.${stage} is an empty cpu list`));
    }
    const prio = obj(p.ioPriority)?.priority;
    if (typeof prio === 'number' && (prio < 0 || prio > 7)) out.push(err('/process/ioPriority/priority', 'process/io-priority', `process.ioPriority.priority ${prio} is out of range 0..7`));
    const s = obj(p.scheduler) as Process['scheduler'] | undefined;
    if (s) {
      const bad = (field: string, message: string) => out.push(err(join('/process/scheduler', ...(field ? [field] : [])), 'process/scheduler', message));
      const rt = s.policy === 'SCHED_FIFO' || s.policy === 'SCHED_RR';
      if (rt && !(typeof s.priority === 'number' && s.priority >= 1 && s.priority <= 99)) bad('priority', `${s.policy} needs a priority from 1 to 99`);
      if (!rt && s.priority) bad('priority', `${s.policy} takes no priority (only SCHED_FIFO and SCHED_RR do)`);
      if (typeof s.nice === 'number' && (s.nice < -20 || s.nice > 19)) bad('nice', `nice ${s.nice} is out of range -20..19`);
      if (s.policy === 'SCHED_DEADLINE' && !(s.runtime && s.deadline && s.period)) bad('', 'SCHED_DEADLINE needs runtime, deadline and period');
      if (s.policy === 'SCHED_ISO') bad('policy', 'SCHED_ISO is not implemented by the linux kernel');
    }
    return out;
  },
};

export const linuxAttributes: Rule = {
  codes: ['linux/personality', 'linux/memory-policy', 'linux/net-devices'],
  check({ config: c }) {
    const linux = obj(c.linux);
    if (!linux) return [];
    const out: Finding[] = [];
    const flags = obj(linux.personality)?.flags;
    if (Array.isArray(flags) && flags.length) out.push(err('/linux/personality/flags', 'linux/personality', 'linux.personality.flags are not supported (the runtime spec defines none)'));
    const mp = obj(linux.memoryPolicy);
    if (mp && typeof mp.mode === 'string') {
      const nodes = cpuList(typeof mp.nodes === 'string' ? mp.nodes : '');
      const nodesPtr = '/linux/memoryPolicy/nodes';
      if (typeof nodes === 'string') out.push(err(nodesPtr, 'linux/memory-policy', `linux.memoryPolicy.nodes \`${String(mp.nodes)}\`: ${nodes}`));
      else if (MODES_WITHOUT_NODES.has(mp.mode) && nodes.length) out.push(err(nodesPtr, 'linux/memory-policy', `${mp.mode} takes no nodes`));
      else if (!MODES_WITHOUT_NODES.has(mp.mode) && mp.mode !== 'MPOL_PREFERRED' && nodes.length === 0) out.push(err(nodesPtr, 'linux/memory-policy', `${mp.mode} needs nodes`));
      const f = Array.isArray(mp.flags) ? mp.flags : [];
      if (f.includes('MPOL_F_STATIC_NODES') && f.includes('MPOL_F_RELATIVE_NODES')) out.push(err('/linux/memoryPolicy/flags', 'linux/memory-policy', 'MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other'));
    }
    const devices = Object.entries(obj(linux.netDevices) ?? {});
    if (devices.length) {
      if (!namespaceTypes(c).has('network')) out.push(err('/linux/netDevices', 'linux/net-devices', 'moving network devices needs a network namespace of the container\'s own'));
      for (const [host, d] of devices) {
        const name = typeof obj(d)?.name === 'string' ? (obj(d)!.name as string) : host;
        if (!/^[^/\s:]{1,15}$/.test(name) || name === '.' || name === '..') {
          out.push(err(join('/linux/netDevices', host, 'name'), 'linux/net-devices', `\`${name}\` is not a valid interface name (1 to 15 characters, no slash, colon or space)`));
        }
      }
    }
    return out;
  },
};

/** What a valid config may ask for that berth cannot do yet, or that needs a security module this host lacks (with host facts). */
export const unsupportedFeatures: Rule = {
  codes: ['runtime/unsupported', 'host/selinux', 'host/resctrl', 'host/apparmor'],
  check({ config: c, host }) {
    const out: Finding[] = [];
    const p = obj(c.process);
    const linux = obj(c.linux);
    if (host && typeof p?.apparmorProfile === 'string' && p.apparmorProfile && !host.apparmor) {
      out.push(err('/process/apparmorProfile', 'host/apparmor', `apparmor profile \`${p.apparmorProfile}\` requested but AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled)`));
    }
    if (host && typeof p?.selinuxLabel === 'string' && p.selinuxLabel && !host.selinux) {
      out.push(err('/process/selinuxLabel', 'host/selinux', `selinux label \`${p.selinuxLabel}\` requested but SELinux is not enabled on this host (no /sys/fs/selinux)`));
    }
    if (typeof linux?.mountLabel === 'string' && linux.mountLabel) {
      out.push(host && !host.selinux
        ? err('/linux/mountLabel', 'host/selinux', `mount label \`${linux.mountLabel}\` requested but SELinux is not enabled on this host (no /sys/fs/selinux)`)
        : err('/linux/mountLabel', 'runtime/unsupported', 'linux.mountLabel: mount labels are not supported by berth yet'));
    }
    if (linux?.intelRdt) {
      out.push(host && !host.resctrl
        ? err('/linux/intelRdt', 'host/resctrl', 'intel rdt requested but resctrl is not mounted on this host (mount -t resctrl resctrl /sys/fs/resctrl)')
        : err('/linux/intelRdt', 'runtime/unsupported', 'linux.intelRdt: intel rdt (resctrl) is not supported by berth yet'));
    }
    return out;
  },
};
