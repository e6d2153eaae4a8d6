// ID-mapped bind mounts (the `idmap` / `ridmap` options, crun's
// `idmap=uids=…;gids=…`, a mount's own uidMappings/gidMappings): what the
// runtime could not make of them (helper/runtime/idmap.ts makes them). The
// `@` ranges of crun's option are checked against the container's mappings
// when the config gives them (a new user namespace); for a joined one only
// their form is, and the runtime checks them against its maps at create.
import { planMount } from '../../linux/mountopts';
import type { Finding } from '../finding';
import { IdmapOptionError, parseIdmapOption, type OptionMappings } from '../idmapopts';
import { join } from '../pointer';
import type { IdMapping, Mount } from '../types';
import { arr, isBindMount, obj, type Rule } from './rule';

/** Any id: a joined user namespace's maps are not read here. */
const ANY: IdMapping[] = [{ containerID: 0, hostID: 0, size: 2 ** 32 }];

export const idmapMounts: Rule = {
  codes: ['mount/idmap', 'host/idmap'],
  check({ config: c, host }) {
    const user = arr<{ type?: unknown; path?: unknown }>(c.linux?.namespaces).find((n) => n?.type === 'user');
    const container: OptionMappings = user?.path === undefined
      ? { uid: arr<IdMapping>(c.linux?.uidMappings), gid: arr<IdMapping>(c.linux?.gidMappings) }
      : { uid: ANY, gid: ANY };
    const out: Finding[] = [];
    arr<Mount>(c.mounts).forEach((m, i) => {
      if (!obj(m)) return;
      const options = arr<unknown>(m.options).filter((o): o is string => typeof o === 'string');
      const idmap = planMount(options).idmap;
      if (idmap === undefined && m.uidMappings === undefined && m.gidMappings === undefined) return;
      const err = (field: string | number, message: string, code = 'mount/idmap') => out.push({ pointer: join('/mounts', i, ...String(field).split('/')), code, severity: 'error', message });
      const own = m.uidMappings !== undefined || m.gidMappings !== undefined;
      if (!isBindMount(m)) err('options', `mounts[${i}]: an ID-mapped mount must be a bind mount`);
      else if (host && !host.idmapMounts) err('options', `mounts[${i}]: ID-mapped mounts need open_tree and mount_setattr, which this kernel lacks (Linux 5.12+)`, 'host/idmap');
      else if (!user) err('options', `mounts[${i}]: an ID-mapped mount needs a user namespace`);
      else if (idmap?.custom && own) err(`options/${idmap.custom.index}`, `mounts[${i}]: idmap= brings mappings of its own, and so do the mount's uidMappings/gidMappings: keep one`);
      else if (idmap?.custom) {
        try {
          parseIdmapOption(idmap.custom.text, container);
        } catch (e) {
          if (!(e instanceof IdmapOptionError)) throw e;
          err(`options/${idmap.custom.index}`, `\`${options[idmap.custom.index]}\`: ${e.message}`);
        }
      } else if ((m.uidMappings === undefined) !== (m.gidMappings === undefined)) {
        err(m.uidMappings === undefined ? 'uidMappings' : 'gidMappings', `mounts[${i}]: an ID-mapped mount with mappings of its own needs both uidMappings and gidMappings`);
      } else if (m.uidMappings?.length === 0) err('uidMappings', `mounts[${i}].uidMappings: empty mappings`);
      else if (m.gidMappings?.length === 0) err('gidMappings', `mounts[${i}].gidMappings: empty mappings`);
    });
    return out;
  },
};
