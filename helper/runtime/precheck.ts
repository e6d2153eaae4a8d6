// What a valid config may ask for that this runtime cannot do yet: refused at
// create with the field's pointer rather than ignored.
import type { Finding } from '../spec/finding';
import type { Spec } from '../spec/types';

export function unsupportedFindings(raw: unknown): Finding[] {
  const out: Finding[] = [];
  const spec = raw as Spec;
  (spec.linux?.namespaces ?? []).forEach((n, i) => {
    // New user and time namespaces go through the unshare(1) trampoline (userns.ts), which cannot join one by path.
    if ((n.type === 'user' || n.type === 'time') && n.path !== undefined) {
      out.push({ pointer: `/linux/namespaces/${i}/path`, code: 'runtime/unsupported-namespace', severity: 'error', message: `joining an existing ${n.type} namespace by path is not supported yet` });
    }
  });
  if (!spec.process) out.push({ pointer: '/process', code: 'runtime/process-required', severity: 'error', message: 'process is required to create a container' });
  return out;
}
