// Sysctls are per namespace only for some prefixes; writing one without its
// namespace would change the host (runc refuses the same list), and
// kernel.hostname is the hostname field's job (runc refuses it too).
import type { Finding } from '../finding';
import { join } from '../pointer';
import { addNamespace } from './namespaces';
import { namespaceTypes, obj, type Rule } from './rule';

const IPC_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** The namespace a sysctl belongs to, or undefined when it is global to the host. */
export function sysctlNamespace(key: string): string | undefined {
  if (key.startsWith('net.')) return 'network';
  if (IPC_SYSCTLS.has(key) || key.startsWith('fs.mqueue.')) return 'ipc';
  if (key === 'kernel.hostname' || key === 'kernel.domainname') return 'uts';
  return undefined;
}

export const sysctlNamespaces: Rule = {
  codes: ['linux/sysctl-needs-namespace', 'linux/sysctl-not-namespaced', 'linux/sysctl-hostname'],
  check({ config: c }) {
    const sysctl = obj(c.linux?.sysctl);
    if (!sysctl) return [];
    const ns = namespaceTypes(c);
    const out: Finding[] = [];
    for (const key of Object.keys(sysctl)) {
      const pointer = join('/linux/sysctl', key);
      const need = sysctlNamespace(key);
      if (key === 'kernel.hostname') {
        out.push({ pointer, code: 'linux/sysctl-hostname', severity: 'error', message: 'linux.sysctl `kernel.hostname` is not allowed: set the hostname field instead' });
      } else if (need === undefined) {
        out.push({ pointer, code: 'linux/sysctl-not-namespaced', severity: 'error', message: `linux.sysctl \`${key}\` is not namespaced: setting it would change the host` });
      } else if (!ns.has(need)) {
        out.push({ pointer, code: 'linux/sysctl-needs-namespace', severity: 'error', message: `linux.sysctl \`${key}\` needs a \`${need}\` namespace in linux.namespaces`, data: addNamespace(need) });
      }
    }
    return out;
  },
};
