// Schema of the features document (features.md): what `berth features`
// prints about what this runtime supports.
import { SECCOMP_ACTIONS, SECCOMP_ARCHES, SECCOMP_FLAGS, SECCOMP_OPERATORS } from '../names/seccomp';
import { arr, bool, link, names, obj, ref, str, strings, type Schema } from './build';
import { numberDefs, stringMap } from './defs';
import { NAMESPACE_TYPES } from './linux';

const enabled = (md: string) => obj(md, { enabled: bool('Whether it is supported.') });

export const featuresSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://berth.dev/schema/features.json',
  ...obj('What the runtime supports, so that higher-level tools can adapt a config.', {
    ociVersionMin: str('Oldest runtime-spec version accepted.'),
    ociVersionMax: str('Newest runtime-spec version accepted.'),
    hooks: strings('Hook kinds supported.'),
    mountOptions: strings('Mount options recognised.'),
    annotations: ref('StringMap', 'Annotations the runtime itself sets or reads.'),
    potentiallyUnsafeConfigAnnotations: strings('Annotation keys (or prefixes ending in `.`) that can change the runtime\'s behaviour.'),
    linux: obj('Linux-specific features.', {
      namespaces: arr('Namespace types supported.', names('A namespace type.', NAMESPACE_TYPES)),
      capabilities: arr('Capabilities known.', { type: 'string', pattern: '^CAP_[A-Z_]+$', markdownDescription: 'A capability name.' }),
      cgroup: obj('Cgroup support.', {
        v1: bool('cgroup v1.'), v2: bool('cgroup v2.'), systemd: bool('systemd cgroup driver.'),
        systemdUser: bool('systemd user-session driver.'), rdma: bool('RDMA controller.'),
      }),
      seccomp: obj('Seccomp support.', {
        enabled: bool('Whether seccomp is supported.'),
        actions: arr('Actions.', names('An action.', SECCOMP_ACTIONS)),
        operators: arr('Operators.', names('An operator.', SECCOMP_OPERATORS)),
        archs: arr('Architectures.', names('An architecture.', SECCOMP_ARCHES)),
        knownFlags: arr('Flags known.', names('A flag.', SECCOMP_FLAGS)),
        supportedFlags: arr('Flags the kernel supports.', names('A flag.', SECCOMP_FLAGS)),
      }),
      apparmor: enabled('AppArmor.'),
      selinux: enabled('SELinux.'),
      intelRdt: enabled('Intel RDT.'),
      mountExtensions: obj('Mount extensions.', { idmap: enabled('ID-mapped mounts.') }),
      netDevices: enabled('linux.netDevices.'),
    }),
  }, { required: ['ociVersionMin', 'ociVersionMax'], specLink: link('features.md', '') }),
  $defs: { ...numberDefs, StringMap: stringMap('Keys and values are both strings.') },
};
