// What a valid config may ask for that this runtime cannot do yet: refused at
// create with the field's pointer rather than ignored.
import type { Finding } from '../spec/finding';
import type { Spec } from '../spec/types';
import { hostFindings } from './hostcheck';
import { idmapFindings } from './idmap';
import { timeFindings } from './timens';

export function unsupportedFindings(raw: unknown): Finding[] {
  const out: Finding[] = [];
  const spec = raw as Spec;
  if (!spec.process) out.push({ pointer: '/process', code: 'runtime/process-required', severity: 'error', message: 'process is required to create a container' });
  // Unknown capability names: helper/spec's rules warn; the init ignores them, as runc.
  out.push(...sysctlFindings(spec));
  out.push(...hostFindings(spec));
  out.push(...idmapFindings(spec));
  out.push(...timeFindings(spec));
  return out;
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** As runc: a sysctl must belong to a namespace the container has of its own, and kernel.hostname is the hostname field's job. */
function sysctlFindings(spec: Spec): Finding[] {
  const out: Finding[] = [];
  const ns = spec.linux?.namespaces ?? [];
  const own = (t: string) => ns.some((n) => n.type === t);
  for (const key of Object.keys(spec.linux?.sysctl ?? {})) {
    const err = (message: string) => out.push({ pointer: `/linux/sysctl/${esc(key)}`, code: 'runtime/sysctl-namespace', severity: 'error', message });
    if (key === 'kernel.hostname') err('sysctl `kernel.hostname` is not allowed: use the hostname field');
    else if (key === 'kernel.domainname' && !own('uts')) err('sysctl `kernel.domainname` needs a uts namespace');
    else if (key.startsWith('net.') && !own('network')) err(`sysctl \`${key}\` needs a network namespace`);
    else if ((/^kernel\.(msg|sem|shm)/.test(key) || key.startsWith('fs.mqueue.')) && !own('ipc')) err(`sysctl \`${key}\` needs an ipc namespace`);
  }
  return out;
}
