// The project's JSON schema for config.json (runtime-spec v1.3.0, config.md
// and config-linux.md), in draft 2020-12. Every key the spec defines is
// present, so anything else is an unknown key.
import { link, obj, ref, str, type Schema } from './build';
import { commonDefs } from './defs';
import { linuxSchema } from './linux';
import { freebsdSchema, solarisSchema, vmSchema, windowsSchema, zosSchema } from './platforms';
import { processSchema } from './process';

const L = (a: string) => link('config.md', a);

export const configSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://berth.dev/schema/config.json',
  title: 'OCI runtime bundle configuration (config.json), runtime-spec v1.3.0',
  ...obj('The configuration of an OCI runtime bundle: what `berth create` (or runc, crun) needs to make the container.', {
    ociVersion: str('Version of the runtime-spec this config follows, in SemVer (`1.3.0`).', { default: '1.3.0', examples: ['1.3.0', '1.2.0', '1.0.2'], specLink: L('specification-version') }),
    root: obj('The container\'s root filesystem.', {
      path: ref('FilePath', 'The root filesystem directory: absolute, or relative to the bundle (usually `rootfs`).', { default: 'rootfs' }),
      readonly: { type: 'boolean', default: false, markdownDescription: 'Mount the root filesystem read-only.' },
    }, { required: ['path'], specLink: L('root') }),
    mounts: { type: 'array', items: ref('Mount', 'A mount.'), markdownDescription: 'Mounts made in the container, in this order, on top of the root filesystem.', specLink: L('mounts') },
    process: processSchema,
    hostname: str('Hostname inside the container. Needs a `uts` namespace of its own.', { specLink: L('hostname') }),
    domainname: str('NIS domain name inside the container. Needs a `uts` namespace of its own.', { specLink: L('domainname') }),
    hooks: obj('Programs the runtime runs around the container\'s lifecycle.', {
      prestart: { ...ref('Hooks', 'Run after the namespaces are made, before pivot_root, in the runtime namespace. **Deprecated**: use `createRuntime`.'), deprecated: true, deprecationMessage: 'hooks.prestart is deprecated: use createRuntime' },
      createRuntime: ref('Hooks', 'Run during `create` after the namespaces exist, in the runtime\'s namespaces.'),
      createContainer: ref('Hooks', 'Run during `create` in the container\'s namespaces, before pivot_root.'),
      startContainer: ref('Hooks', 'Run during `start` inside the container, just before the user process.'),
      poststart: ref('Hooks', 'Run in the runtime namespace after the user process has started.'),
      poststop: ref('Hooks', 'Run in the runtime namespace after the container is deleted.'),
    }, { specLink: L('posix-platform-hooks') }),
    annotations: { ...ref('StringMap', 'Arbitrary metadata; keys are reverse domain names like `org.example.key`.'), specLink: L('annotations') },
    linux: linuxSchema,
    solaris: solarisSchema,
    windows: windowsSchema,
    vm: vmSchema,
    zos: zosSchema,
    freebsd: freebsdSchema,
  }, { required: ['ociVersion'], specLink: L('') }),
  $defs: commonDefs,
};
