// crun's mount option for an ID-mapped mount with mappings of its own,
// `idmap=uids=0-1-10#10-11-10;gids=0-100-10` (crun(1), "idmap mount
// options"; `ridmap=` the same for the whole tree), as Berth's IdMapping
// lists, so it runs the way a mount's own uidMappings/gidMappings do
// (helper/runtime/idmap.ts); checked with the rest of the config by
// helper/spec/rules/idmap.ts.
//
// The grammar: `uids=` and `gids=` sections joined by `;`; in each, ranges
// joined by `#`; a range is three numbers joined by `-`: the first id on the
// backing file system, the host id it shows as, and the count. That is one
// uid_map line of the mount's user namespace, so it becomes {containerID:
// fs id, hostID: host id, size}. A range starting with `@` is relative to the
// container's user namespace: its host id is shifted by hostID - containerID
// of the container mapping that holds its first number (crun's rule, which
// also does not split a range that spans several container mappings).
// A leading `+` on a number is its sign, as strtol reads it.
import type { IdMapping } from './types';

export interface OptionMappings {
  uid: IdMapping[];
  gid: IdMapping[];
}

export class IdmapOptionError extends Error {}

const NUMBER = /^\+?\d+$/;

/**
 * The mappings in `text` (what follows `idmap=`). `container` is the
 * container user namespace's mappings, needed only by `@` ranges.
 */
export function parseIdmapOption(text: string, container?: OptionMappings): OptionMappings {
  const out: Partial<OptionMappings> = {};
  for (const section of text.split(';')) {
    const eq = section.indexOf('=');
    const key = eq < 0 ? section : section.slice(0, eq);
    const which = key === 'uids' ? 'uid' : key === 'gids' ? 'gid' : undefined;
    if (!which) throw new IdmapOptionError(`unknown \`${section}\`: only uids= and gids= follow idmap=`);
    if (out[which]) throw new IdmapOptionError(`${key}= is given twice`);
    out[which] = section.slice(eq + 1).split('#').map((range) => parseRange(range, key, container?.[which]));
  }
  if (!out.uid || !out.gid) throw new IdmapOptionError(`${out.uid ? 'gids' : 'uids'}= is missing: an ID-mapped mount with mappings of its own needs both`);
  return { uid: out.uid, gid: out.gid };
}

function parseRange(range: string, key: string, container: IdMapping[] | undefined): IdMapping {
  const relative = range.startsWith('@');
  const parts = (relative ? range.slice(1) : range).split('-');
  if (parts.length !== 3 || !parts.every((p) => NUMBER.test(p))) {
    throw new IdmapOptionError(`${key}= range \`${range}\` is not [@]fs-host-size (three numbers joined by -)`);
  }
  const [fsId, hostId, size] = parts.map(Number);
  if (size === 0) throw new IdmapOptionError(`${key}= range \`${range}\` maps no id (size 0)`);
  if (!relative) return { containerID: fsId, hostID: hostId, size };
  if (!container?.length) throw new IdmapOptionError(`${key}= range \`${range}\` is relative (@) but the container has no user namespace mappings`);
  const holder = container.find((m) => fsId >= m.containerID && fsId < m.containerID + m.size);
  if (!holder) throw new IdmapOptionError(`${key}= range \`${range}\` is relative (@) but no mapping of the container's user namespace holds id ${fsId}`);
  return { containerID: fsId, hostID: hostId + holder.hostID - holder.containerID, size };
}
