// Sections for the other platforms the runtime-spec defines. Berth runs only
// Linux containers and ignores them, but knows their keys so that a valid
// config written for another platform is not reported as full of typos.
import { arr, bool, link, names, obj, ref, str, strings, type Schema } from './build';

const sharing = (md: string, withDisable: boolean): Schema => names(md, [
  ...(withDisable ? [['disable', 'not available in the jail'] as [string, string]] : []),
  ['new', 'the jail gets its own'],
  ['inherit', 'shared with the parent'],
]);

export const freebsdSchema: Schema = obj('Settings for FreeBSD jails. Berth ignores them.', {
  devices: arr('Devices exposed in the jail.', obj('A device.', {
    path: str('Device path.'),
    mode: ref('FileMode', 'Permission bits, in decimal.'),
  })),
  jail: obj('The jail\'s parameters.', {
    parent: str('Name of the parent jail.'),
    host: sharing('The jail\'s hostname and host UUID.', false),
    ip4: sharing('IPv4 addresses.', true),
    ip4Addr: strings('IPv4 addresses of the jail.'),
    ip6: sharing('IPv6 addresses.', true),
    ip6Addr: strings('IPv6 addresses of the jail.'),
    vnet: sharing('A virtual network stack.', false),
    interface: str('Interface the addresses are added to.'),
    vnetInterfaces: strings('Interfaces moved into the vnet jail.'),
    sysvmsg: sharing('System V message queues.', true),
    sysvsem: sharing('System V semaphores.', true),
    sysvshm: sharing('System V shared memory.', true),
    enforceStatfs: ref('uint8', 'Which mount points the jail can see (0 to 2).'),
    allow: obj('Privileges granted to the jail.', {
      setHostname: bool('Change the hostname.'),
      rawSockets: bool('Open raw sockets.'),
      chflags: bool('Change system file flags.'),
      mount: strings('Filesystem types the jail may mount.'),
      quotas: bool('Manage quotas.'),
      socketAf: bool('Use socket families beyond the usual ones.'),
      mlock: bool('Lock memory.'),
      reservedPorts: bool('Bind reserved ports.'),
      suser: bool('Let root in the jail be privileged.'),
    }),
  }),
}, { specLink: link('config-freebsd.md', '') });

export const solarisSchema: Schema = obj('Settings for Solaris zones. Berth ignores them.', {
  milestone: str('SMF milestone to wait for before the zone counts as started.'),
  limitpriv: str('Maximum privileges of the zone.'),
  maxShmMemory: str('Shared memory limit.'),
  cappedCPU: obj('CPU cap.', { ncpus: str('Number of CPUs.') }),
  cappedMemory: obj('Memory caps.', { physical: str('Physical memory cap.'), swap: str('Swap cap.') }),
  anet: arr('Automatic network interfaces.', obj('An interface.', {
    linkname: str('Link name.'), lowerLink: str('Underlying link.'), allowedAddress: str('Allowed IP addresses.'),
    configureAllowedAddress: str('Configure the allowed address.'), defrouter: str('Default router.'),
    macAddress: str('MAC address.'), linkProtection: str('Link protection.'),
  })),
}, { specLink: link('config-solaris.md', '') });

const u64 = (md: string) => ref('uint64', md);
export const windowsSchema: Schema = obj('Settings for Windows containers. Berth ignores them.', {
  layerFolders: arr('Image layer folders, parent first.', ref('FilePath', 'A layer folder.'), { minItems: 1 }),
  devices: arr('Devices assigned to the container.', obj('A device.', {
    id: str('Device identifier.'), idType: names('Kind of identifier.', [['class', 'a device interface class GUID']]),
  }, { required: ['id', 'idType'] })),
  resources: obj('Resource limits.', {
    memory: obj('Memory.', { limit: u64('Limit in bytes.') }),
    cpu: obj('CPU.', {
      count: u64('Number of CPUs.'), shares: ref('uint16', 'Relative weight.'), maximum: ref('uint16', 'Percentage times 100.'),
      affinity: obj('CPU affinity.', { mask: u64('Affinity mask.'), group: ref('uint32', 'Processor group.') }),
    }),
    storage: obj('Storage.', { iops: u64('I/O operations per second.'), bps: u64('Bytes per second.'), sandboxSize: u64('Minimum sandbox size.') }),
  }),
  network: obj('Networking.', {
    endpointList: strings('HNS endpoints.'), allowUnqualifiedDNSQuery: bool('Allow unqualified DNS names.'),
    DNSSearchList: strings('DNS suffixes.'), networkSharedContainerName: str('Share this container\'s network.'),
    networkNamespace: str('Network namespace.'),
  }),
  credentialSpec: { type: 'object', markdownDescription: 'Group managed service account credentials.' },
  servicing: bool('Start the container for servicing.'),
  ignoreFlushesDuringBoot: bool('Ignore flushes while booting.'),
  hyperv: obj('Hyper-V isolation.', { utilityVMPath: str('Path of the utility VM image.') }),
}, { required: ['layerFolders'], specLink: link('config-windows.md', '') });

const pathParams = (md: string, extra: Record<string, Schema> = {}) => obj(md, {
  path: ref('FilePath', 'Path on the host.'), parameters: strings('Parameters.'), ...extra,
}, { required: ['path'] });
export const vmSchema: Schema = obj('Settings for virtual-machine-based runtimes. Berth ignores them.', {
  hypervisor: pathParams('The hypervisor to run.'),
  kernel: pathParams('The guest kernel.', { initrd: ref('FilePath', 'Initial ramdisk.') }),
  image: obj('The root image.', {
    path: ref('FilePath', 'Image path.'),
    format: names('Image format.', [['raw', 'raw disk'], ['qcow2', 'QEMU'], ['vdi', 'VirtualBox'], ['vmdk', 'VMware'], ['vhd', 'Hyper-V']]),
  }, { required: ['path', 'format'] }),
  hwConfig: obj('Virtual hardware.', {
    deviceTree: ref('FilePath', 'Device tree blob.'), vcpus: ref('uint32', 'Virtual CPUs.'), memory: u64('Memory in MiB.'),
    dtdevs: strings('Device tree nodes passed through.'),
    iomems: { type: 'array', markdownDescription: 'I/O memory passed through.', prefixItems: [obj('A memory range.', {
      firstGFN: u64('First guest frame.'), firstMFN: u64('First machine frame.'), nrMFNs: u64('Number of frames.'),
    }, { required: ['firstMFN', 'nrMFNs'] })] },
    irqs: arr('Interrupts passed through.', ref('uint32', 'An IRQ.')),
  }),
}, { required: ['kernel'], specLink: link('config-vm.md', '') });

export const zosSchema: Schema = obj('Settings for z/OS containers. Berth ignores them.', {
  namespaces: arr('Namespaces.', obj('A namespace.', {
    type: names('The kind.', [['mount', 'its own mount table'], ['pid', 'its own process IDs'], ['uts', 'its own hostname'], ['ipc', 'its own IPC objects']]),
    path: ref('FilePath', 'Join this namespace.'),
  }, { required: ['type'] })),
}, { specLink: link('config-zos.md', '') });
