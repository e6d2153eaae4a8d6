// Resolves the allowed group (a name from /etc/group, or a numeric gid).
// A missing group is not fatal: berthd then serves root only and says how
// to create the group.
import { readFileSync } from 'node:fs';

export function resolveGroup(group: string, etcGroup = '/etc/group'): number | undefined {
  if (/^\d+$/.test(group)) return Number(group);
  let text: string;
  try {
    text = readFileSync(etcGroup, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}
