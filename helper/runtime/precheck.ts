// What a valid config may ask for that this runtime cannot do yet: refused at
// create with the field's pointer rather than ignored.
import type { Finding } from '../spec/finding';
import type { Spec } from '../spec/types';

export function unsupportedFindings(raw: unknown): Finding[] {
  const out: Finding[] = [];
  const spec = raw as Spec;
  (spec.linux?.namespaces ?? []).forEach((n, i) => {
    if (n.type === 'user' || n.type === 'time') {
      out.push({ pointer: `/linux/namespaces/${i}`, code: 'runtime/unsupported-namespace', severity: 'error', message: `${n.type} namespaces are not supported by berth yet` });
    }
  });
  if (!spec.process) out.push({ pointer: '/process', code: 'runtime/process-required', severity: 'error', message: 'process is required to create a container' });
  return out;
}
