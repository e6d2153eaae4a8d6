// The `linux` section of config-linux.md: namespaces, ID mappings, devices,
// cgroups, seccomp, sysctls and the paths hidden from the container.
import { SECCOMP_ACTIONS, SECCOMP_ARCHES, SECCOMP_FLAGS, SECCOMP_OPERATORS } from '../names/seccomp';
import { arr, bool, link, map, names, obj, ref, str, strings, type Schema } from './build';
import { stringMap } from './defs';
import { resourcesSchema } from './resources';

const L = (a: string) => link('config-linux.md', a);

export const NAMESPACE_TYPES: readonly [string, string][] = [
  ['mount', 'its own mount table; needed for the root filesystem and every mount'],
  ['pid', 'its own process IDs; the container\'s process becomes PID 1'],
  ['network', 'its own interfaces, routes and firewall (only loopback at first)'],
  ['uts', 'its own hostname and domain name'],
  ['ipc', 'its own System V IPC objects and POSIX message queues'],
  ['user', 'its own user and group IDs, mapped by uidMappings and gidMappings'],
  ['cgroup', 'its own view of the cgroup hierarchy, rooted at its cgroup'],
  ['time', 'its own offsets for the monotonic and boot-time clocks'],
];

const timeOffset = (md: string): Schema => obj(md, {
  secs: ref('int64', 'Offset in seconds.'),
  nanosecs: ref('uint32', 'Offset in nanoseconds, added to `secs`.'),
}, { specLink: L('offset-for-time-namespace') });

export const seccompSchema: Schema = obj('A seccomp filter installed just before the process starts: each system call gets the action of the first rule that names it, otherwise `defaultAction`.', {
  defaultAction: names('Action for system calls no rule matches.', SECCOMP_ACTIONS),
  defaultErrnoRet: ref('uint32', 'errno returned by a default SCMP_ACT_ERRNO (EPERM when absent).'),
  architectures: arr('Architectures the filter covers besides the native one (a 64-bit x86 kernel also runs 32-bit calls).', names('A seccomp architecture.', SECCOMP_ARCHES)),
  flags: arr('Flags for seccomp(2) SECCOMP_SET_MODE_FILTER.', names('A filter flag.', SECCOMP_FLAGS)),
  listenerPath: str('Unix socket of the agent that receives the notify file descriptor. Needed when any action is SCMP_ACT_NOTIFY.'),
  listenerMetadata: str('Opaque data sent to the agent with the file descriptor.'),
  syscalls: arr('Rules, each giving one action to a set of system calls.', obj('One rule.', {
    names: strings('System call names as libseccomp spells them (`openat`, `clone3`).', { minItems: 1 }),
    action: names('What happens when one of the calls is made.', SECCOMP_ACTIONS),
    errnoRet: ref('uint32', 'errno returned with SCMP_ACT_ERRNO (EPERM when absent).'),
    args: arr('Conditions on the arguments; all must hold for the rule to match.', obj('A condition on one argument.', {
      index: ref('uint32', 'Which argument, from 0.'),
      value: ref('uint64', 'Value to compare with.'),
      valueTwo: ref('uint64', 'Second value, used by SCMP_CMP_MASKED_EQ.'),
      op: names('Comparison.', SECCOMP_OPERATORS),
    }, { required: ['index', 'value', 'op'], specLink: L('seccomp') })),
  }, { required: ['names', 'action'], specLink: L('seccomp') })),
}, { required: ['defaultAction'], specLink: L('seccomp') });

export const linuxSchema: Schema = obj('Settings for Linux containers.', {
  namespaces: arr('Namespaces the container gets. A type listed without `path` is created new; with `path` the container joins that namespace. Absent types are shared with the runtime.',
    obj('A namespace.', {
      type: names('The kind of namespace.', NAMESPACE_TYPES),
      path: ref('FilePath', 'Join this existing namespace (`/proc/<pid>/ns/net`) instead of making one.'),
    }, { required: ['type'], specLink: L('namespaces') })),
  uidMappings: arr('User ID ranges of the user namespace. Needs a `user` namespace.', ref('IDMapping', 'A user ID range.'), { specLink: L('user-namespace-mappings') }),
  gidMappings: arr('Group ID ranges of the user namespace. Needs a `user` namespace.', ref('IDMapping', 'A group ID range.'), { specLink: L('user-namespace-mappings') }),
  timeOffsets: obj('Clock offsets of a `time` namespace.', {
    boottime: timeOffset('Offset of CLOCK_BOOTTIME.'),
    monotonic: timeOffset('Offset of CLOCK_MONOTONIC.'),
  }, { specLink: L('offset-for-time-namespace') }),
  devices: arr('Device nodes the runtime creates in the container\'s /dev (besides the default ones).', obj('A device node.', {
    type: { type: 'string', pattern: '^[cbup]$', markdownDescription: '`c` character, `b` block, `u` unbuffered character, `p` FIFO.', examples: ['c', 'b', 'u', 'p'] },
    path: ref('FilePath', 'Full path of the node inside the container, like `/dev/fuse`.'),
    major: ref('int64', 'Major number (not used for FIFOs).'),
    minor: ref('int64', 'Minor number (not used for FIFOs).'),
    fileMode: ref('FileMode', 'Permission bits of the node, in decimal.'),
    uid: ref('uint32', 'Owner of the node, in the container.'),
    gid: ref('uint32', 'Group of the node, in the container.'),
  }, { required: ['type', 'path'], specLink: L('devices') })),
  netDevices: map('Host network interfaces moved into the container\'s network namespace, keyed by their host name.', obj('One interface.', {
    name: str('Name inside the container; the host name is kept when absent.'),
  }, { specLink: L('net-devices') }), { specLink: L('net-devices') }),
  cgroupsPath: str('Cgroup of the container: an absolute path is relative to the cgroup mount point, a relative one to the runtime\'s cgroup; with systemd `slice:prefix:name`.', { specLink: L('cgroups-path') }),
  resources: resourcesSchema,
  rootfsPropagation: names('Propagation of the root mount inside the container.', [
    ['private', 'no mount events in or out'],
    ['shared', 'mount events flow both ways with the host'],
    ['slave', 'mount events flow from the host into the container only'],
    ['unbindable', 'private, and cannot be bind-mounted'],
  ], { specLink: L('rootfs-mount-propagation') }),
  seccomp: seccompSchema,
  sysctl: { ...stringMap('Kernel parameters written under /proc/sys once the namespaces exist, like `"net.ipv4.ip_forward": "1"`. Only namespaced ones are safe.'), specLink: L('sysctl') },
  maskedPaths: strings('Paths made unreadable in the container (a directory gets an empty read-only tmpfs, a file /dev/null).', { specLink: L('masked-paths') }),
  readonlyPaths: strings('Paths remounted read-only in the container.', { specLink: L('readonly-paths') }),
  mountLabel: str('SELinux context for the container\'s mounts.', { specLink: L('mount-label') }),
  personality: obj('Execution domain of the process, set with personality(2).', {
    domain: names('The execution domain.', [['LINUX', 'the native domain'], ['LINUX32', '32-bit: `uname -m` reports i686']]),
    flags: strings('Additional personality flags.'),
  }, { specLink: L('personality') }),
  intelRdt: obj('Intel Resource Director Technology (resctrl): cache and memory bandwidth allocation.', {
    closID: str('Name of the resctrl group (class of service).'),
    schemata: strings('Lines written to the group\'s `schemata` file.'),
    l3CacheSchema: str('L3 cache allocation line, like `L3:0=ffff0;1=3ff`.'),
    memBwSchema: str('Memory bandwidth line, like `MB:0=20;1=70`.', { pattern: '^MB:[^\\n]*$' }),
    enableMonitoring: bool('Create a monitoring group for the container.'),
  }, { specLink: L('intelrdt') }),
  memoryPolicy: obj('NUMA memory policy of the process, set with set_mempolicy(2).', {
    mode: names('The policy.', [
      ['MPOL_DEFAULT', 'the system default'],
      ['MPOL_BIND', 'allocate only from `nodes`'],
      ['MPOL_INTERLEAVE', 'spread pages over `nodes`'],
      ['MPOL_WEIGHTED_INTERLEAVE', 'spread pages over `nodes` by their weights'],
      ['MPOL_PREFERRED', 'prefer one node, fall back to others'],
      ['MPOL_PREFERRED_MANY', 'prefer a set of nodes'],
      ['MPOL_LOCAL', 'allocate on the node of the CPU'],
    ]),
    nodes: str('NUMA nodes, a list like `0-3,7`.'),
    flags: arr('Mode flags.', names('A flag.', [
      ['MPOL_F_NUMA_BALANCING', 'enable NUMA balancing with MPOL_BIND'],
      ['MPOL_F_RELATIVE_NODES', 'nodes are relative to the allowed set'],
      ['MPOL_F_STATIC_NODES', 'nodes are not remapped when the allowed set changes'],
    ])),
  }, { specLink: L('memory-policy') }),
}, { specLink: L('') });
