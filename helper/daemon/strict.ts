// --strict: what berthd does for a non-root peer. Group membership is
// root-equivalent by default (like the docker group); in strict mode a
// member only gets what a user namespace can make safe:
//   - the bundle, its config.json and its rootfs must be owned by the caller;
//   - a user namespace mapping the caller (uid and gid, one id each) to the
//     container's root is forced, so the container's "root" is the caller;
//   - refused, because the user namespace cannot contain them: joining
//     existing namespaces by path, devices (nodes and cgroup allow rules),
//     hooks (they run as real root on the host), an explicit cgroupsPath,
//     id mappings other than the caller's own, a process user other
//     than the mapped root, and ID-mapped mounts (the parent makes them as
//     host root on any host path: with the caller as the container's root,
//     host root's files there would be the caller's to write), and
//     netDevices (the parent would move any host interface, eth0 too, into
//     the container: the host loses it, the member drives it);
//   - bind sources are reached only as the caller reaches them (the
//     runtime's unprivilegedSources), not through host root's copy.
// The runtime then reads a copy of the config from berthd's own directory
// (a "shadow bundle" whose root.path points at the caller's rootfs).
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCode } from '../protocol/errors';
import { isIdmapped } from '../runtime/idmap';
import type { IdMapping, Resources, Spec } from '../spec/types';
import { DaemonError } from './errors';

function forbid(pointer: string, why: string): DaemonError {
  return new DaemonError(ErrorCode.Forbidden, `strict mode: ${pointer}: ${why}`, { pointer });
}

function onlyCaller(maps: IdMapping[] | undefined, id: number, pointer: string): void {
  if (!maps) return;
  maps.forEach((m, i) => {
    if (m.hostID !== id || m.size !== 1 || m.containerID !== 0) throw forbid(`${pointer}/${i}`, `may only map container id 0 to your own id ${id}`);
  });
}

/** Cgroup resources a strict-mode caller may set, at create and at update: no device rule that allows. */
export function strictResources(resources: Resources, pointer: string): void {
  (resources.devices ?? []).forEach((d, i) => {
    if (d.allow) throw forbid(`${pointer}/devices/${i}/allow`, 'device access rules that allow are not allowed');
  });
}

/** Checks spec for a strict-mode caller and returns the config berthd will run. */
export function strictSpec(spec: Spec, bundle: string, uid: number, gid: number): Spec {
  const out = structuredClone(spec);
  const linux = (out.linux ??= {});
  (linux.namespaces ?? []).forEach((n, i) => {
    if (n.path) throw forbid(`/linux/namespaces/${i}/path`, 'joining an existing namespace is not allowed');
  });
  if (linux.devices?.length) throw forbid('/linux/devices', 'device nodes are not allowed');
  if (linux.resources) strictResources(linux.resources, '/linux/resources');
  if (out.hooks && Object.values(out.hooks).some((h) => Array.isArray(h) && h.length)) throw forbid('/hooks', 'hooks run as root on the host and are not allowed');
  (out.mounts ?? []).forEach((m, i) => {
    if (isIdmapped(m)) throw forbid(`/mounts/${i}`, 'ID-mapped mounts are not allowed');
  });
  if (linux.netDevices && Object.keys(linux.netDevices).length) throw forbid('/linux/netDevices', 'moving host network interfaces into the container is not allowed');
  if (linux.cgroupsPath) throw forbid('/linux/cgroupsPath', 'choosing the cgroup is not allowed');
  onlyCaller(linux.uidMappings, uid, '/linux/uidMappings');
  onlyCaller(linux.gidMappings, gid, '/linux/gidMappings');
  const user = out.process?.user;
  if (user && (user.uid !== 0 || user.gid !== 0)) throw forbid('/process/user', 'the process must run as the container root (your own user)');
  if (user?.additionalGids?.some((g) => g !== 0)) throw forbid('/process/user/additionalGids', 'only the container root group is mapped');
  if (!(linux.namespaces ?? []).some((n) => n.type === 'user')) linux.namespaces = [...(linux.namespaces ?? []), { type: 'user' }];
  linux.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }];
  linux.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }];
  const rootfs = resolve(bundle, out.root?.path ?? 'rootfs');
  let st;
  try {
    st = lstatSync(rootfs);
  } catch {
    throw new DaemonError(ErrorCode.BadBundle, `${rootfs}: root filesystem is missing`, { pointer: '/root/path' });
  }
  if (!st.isDirectory() || st.uid !== uid) throw forbid('/root/path', `${rootfs} must be a directory owned by you (uid ${uid})`);
  out.root = { ...(out.root ?? { path: rootfs }), path: rootfs };
  return out;
}

/** Writes the checked config into dir/bundle and returns that directory for the runtime. */
export function writeShadowBundle(dir: string, spec: Spec): string {
  const bundle = join(dir, 'bundle');
  mkdirSync(bundle, { recursive: true, mode: 0o711 });
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec), { mode: 0o644 });
  return bundle;
}
