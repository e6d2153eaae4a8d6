// Shared definitions ($defs) of the config schema: number ranges, ID
// mappings, hooks, mounts, string maps. Ranges match runtime-spec's Go types.
import { MOUNT_OPTIONS, MOUNT_TYPES } from '../names/mount-types';
import { arr, link, obj, ref, strings, suggested, type Schema } from './build';

const int = (min: number, max: number, md: string): Schema => ({ type: 'integer', minimum: min, maximum: max, markdownDescription: md });

export const numberDefs: Record<string, Schema> = {
  int32: int(-(2 ** 31), 2 ** 31 - 1, 'A signed 32-bit integer.'),
  int64: int(-(2 ** 63), 2 ** 63 - 1, 'A signed 64-bit integer.'),
  uint8: int(0, 255, 'An unsigned 8-bit integer.'),
  uint16: int(0, 65535, 'An unsigned 16-bit integer.'),
  uint32: int(0, 2 ** 32 - 1, 'An unsigned 32-bit integer.'),
  uint64: int(0, 2 ** 64 - 1, 'An unsigned 64-bit integer.'),
  FileMode: int(0, 511, 'Permission bits **in decimal**: JSON has no octal, so `0644` is written `420` and `0755` is `493`.'),
};

export const stringMap = (md: string): Schema => ({
  type: 'object',
  markdownDescription: md,
  patternProperties: { '.{1,}': { type: 'string' } },
});

export const idMapping: Schema = obj('One range of IDs: `size` consecutive IDs starting at `containerID` inside the container are the IDs starting at `hostID` outside.', {
  containerID: ref('uint32', 'First ID of the range as seen inside the container.'),
  hostID: ref('uint32', 'First ID of the range as seen on the host (in the runtime\'s user namespace).'),
  size: ref('uint32', 'How many consecutive IDs the range covers.'),
}, { required: ['containerID', 'hostID', 'size'], specLink: link('config-linux.md', 'user-namespace-mappings') });

export const hook: Schema = obj('A program the runtime runs at one point of the container\'s lifecycle. It receives the container state as JSON on its stdin.', {
  path: ref('FilePath', 'Absolute path of the executable, resolved in the namespace the hook runs in.'),
  args: strings('Arguments including `argv[0]`, like execv. When absent, the program receives only its path.'),
  env: strings('Environment of the hook, `KEY=value` entries; nothing is inherited from the runtime.'),
  timeout: { type: 'integer', minimum: 1, markdownDescription: 'Seconds after which the runtime kills the hook and treats it as failed.' },
}, { required: ['path'], specLink: link('config.md', 'posix-platform-hooks') });

export const mount: Schema = obj('One mount the runtime makes inside the container, in order, after the root filesystem is in place.', {
  destination: ref('FilePath', 'Where the mount appears inside the container. Must be absolute; runtimes create missing directories.'),
  source: ref('FilePath', 'What to mount: a device, a host path for a bind mount (relative paths are from the bundle), or a placeholder name for pseudo filesystems (`proc`, `tmpfs`).'),
  options: arr('Mount flags (`ro`, `nosuid`, `bind`, `rbind`, propagation) and filesystem data (`size=64m`, `mode=755`), like mount(8) `-o`.',
    suggested('A mount flag or a filesystem option.', MOUNT_OPTIONS)),
  type: suggested('Filesystem type as in /proc/filesystems (`proc`, `tmpfs`, `sysfs`, …). For bind mounts use `bind` or `none` with the `bind`/`rbind` option.', MOUNT_TYPES),
  uidMappings: arr('Makes this an ID-mapped mount: user IDs of the source are shifted by these ranges. Needs the `idmap` or `ridmap` option on some runtimes.', ref('IDMapping', 'A user ID range.')),
  gidMappings: arr('Group ID ranges of an ID-mapped mount.', ref('IDMapping', 'A group ID range.')),
}, { required: ['destination'], specLink: link('config.md', 'mounts') });

export const commonDefs: Record<string, Schema> = {
  ...numberDefs,
  FilePath: { type: 'string', markdownDescription: 'A file system path.' },
  IDMapping: idMapping,
  Hook: hook,
  Hooks: arr('Hooks run in order; one failing stops the sequence.', ref('Hook', 'A hook.')),
  Mount: mount,
  StringMap: stringMap('Keys and values are both strings.'),
};
