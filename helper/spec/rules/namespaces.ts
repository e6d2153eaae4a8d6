// Settings that only make sense in a namespace of their own (runc's
// validator: "unable to set hostname without a new UTS namespace", …), and
// namespace lists that name a type twice.
import type { Finding } from '../finding';
import type { Fix } from '../fix';
import { join } from '../pointer';
import { arr, namespaceTypes, obj, type Rule } from './rule';

export const addNamespace = (type: string): Fix => ({
  kind: 'append', title: `Add a \`${type}\` namespace`, pointer: '/linux/namespaces', value: { type },
});

export const needsNamespace: Rule = {
  codes: ['linux/hostname-without-uts', 'linux/mappings-without-userns', 'linux/time-offsets-without-timens'],
  check({ config: c }) {
    const ns = namespaceTypes(c);
    const out: Finding[] = [];
    const need = (present: boolean, type: string, pointer: string, code: string, what: string) => {
      if (present && !ns.has(type)) {
        out.push({ pointer, code, severity: 'error', message: `${what} needs a \`${type}\` namespace in linux.namespaces`, data: addNamespace(type) });
      }
    };
    need(typeof c.hostname === 'string' && c.hostname !== '', 'uts', '/hostname', 'linux/hostname-without-uts', 'hostname');
    need(typeof c.domainname === 'string' && c.domainname !== '', 'uts', '/domainname', 'linux/hostname-without-uts', 'domainname');
    need(arr(c.linux?.uidMappings).length > 0, 'user', '/linux/uidMappings', 'linux/mappings-without-userns', 'linux.uidMappings');
    need(arr(c.linux?.gidMappings).length > 0, 'user', '/linux/gidMappings', 'linux/mappings-without-userns', 'linux.gidMappings');
    need(obj(c.linux?.timeOffsets) !== undefined, 'time', '/linux/timeOffsets', 'linux/time-offsets-without-timens', 'linux.timeOffsets');
    return out;
  },
};

export const duplicateNamespace: Rule = {
  codes: ['linux/duplicate-namespace'],
  check({ config: c }) {
    const seen = new Map<string, number>();
    const out: Finding[] = [];
    arr<{ type?: string }>(c.linux?.namespaces).forEach((n, i) => {
      const t = n?.type;
      if (typeof t !== 'string') return;
      const first = seen.get(t);
      if (first === undefined) seen.set(t, i);
      else {
        const pointer = join('/linux/namespaces', i);
        out.push({
          pointer, code: 'linux/duplicate-namespace', severity: 'error',
          message: `linux.namespaces[${i}] repeats namespace \`${t}\` of linux.namespaces[${first}]`,
          data: { kind: 'remove', title: `Remove the duplicate \`${t}\` namespace`, pointer } satisfies Fix,
        });
      }
    });
    return out;
  },
};

export const userNamespaceMappings: Rule = {
  codes: ['linux/userns-without-mappings', 'linux/uid-not-mapped', 'linux/gid-not-mapped'],
  check({ config: c }) {
    const userNs = arr<{ type?: string; path?: string }>(c.linux?.namespaces).find((n) => n?.type === 'user');
    if (!userNs || userNs.path) return [];
    const out: Finding[] = [];
    const uids = arr<{ containerID: number; size: number }>(c.linux?.uidMappings);
    const gids = arr<{ containerID: number; size: number }>(c.linux?.gidMappings);
    if (uids.length === 0 || gids.length === 0) {
      out.push({ pointer: '/linux/namespaces', code: 'linux/userns-without-mappings', severity: 'error', message: `a new user namespace needs linux.${uids.length === 0 ? 'uidMappings' : 'gidMappings'}` });
      return out;
    }
    const mapped = (id: number, ranges: { containerID: number; size: number }[]) => ranges.some((r) => id >= r.containerID && id < r.containerID + r.size);
    const uid = c.process?.user?.uid;
    const gid = c.process?.user?.gid;
    if (typeof uid === 'number' && !mapped(uid, uids)) out.push({ pointer: '/process/user/uid', code: 'linux/uid-not-mapped', severity: 'error', message: `process.user.uid ${uid} is not mapped by linux.uidMappings` });
    if (typeof gid === 'number' && !mapped(gid, gids)) out.push({ pointer: '/process/user/gid', code: 'linux/gid-not-mapped', severity: 'error', message: `process.user.gid ${gid} is not mapped by linux.gidMappings` });
    return out;
  },
};
