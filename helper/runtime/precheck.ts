// The one config check that still lives beside the runtime's machinery
// rather than in helper/spec/rules: ID-mapped mounts. It parses crun's
// idmap= option against the container's mappings, which for a user
// namespace joined by path means reading that namespace's maps (nsenter(1)
// when it is not a /proc/<pid> path), and probes open_tree/mount_setattr
// through helper/linux: too costly and privileged for the editor's every
// keystroke. Run by create after validateConfig finds no error, so the
// language server does not show these findings (code runtime/idmap).
import type { Finding } from '../spec/finding';
import type { Spec } from '../spec/types';
import { idmapFindings } from './idmap';

export function runtimeFindings(spec: Spec): Finding[] {
  return idmapFindings(spec);
}
