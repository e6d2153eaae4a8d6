// The config checks that still live beside the runtime's machinery rather
// than in helper/spec/rules: ID-mapped mounts (they parse mount options and
// probe open_tree/mount_setattr through helper/linux) and a new time
// namespace's offsets (probed with unshare(1)). Run by create after
// validateConfig finds no error, so the language server does not show them.
import type { Finding } from '../spec/finding';
import type { Spec } from '../spec/types';
import { idmapFindings } from './idmap';
import { timeFindings } from './timens';

export function runtimeFindings(spec: Spec): Finding[] {
  return [...idmapFindings(spec), ...timeFindings(spec)];
}
