// linux.resources: the cgroup limits of config-linux.md. Each block maps to
// one controller; runtimes write v1 files or their v2 equivalents.
import { arr, bool, link, map, obj, ref, str, type Schema } from './build';
import { stringMap } from './defs';

const L = (a: string) => link('config-linux.md', a);

const blockDevice = (md: string, extra: Record<string, Schema>): Schema => obj(md, {
  major: ref('int64', 'Major number of the block device (see `ls -l /dev` or /proc/partitions).'),
  minor: ref('int64', 'Minor number of the block device.'),
  ...extra,
}, { required: ['major', 'minor'], specLink: L('block-io') });

const throttle = (md: string): Schema => arr(md, blockDevice('A limit for one device.', { rate: ref('uint64', 'The limit: bytes or operations per second.') }));

export const resourcesSchema: Schema = obj('Cgroup limits applied to the container (config-linux.md "Control groups").', {
  devices: arr('Device access rules of the devices controller, applied in order; the last matching rule wins. Start with a deny-all rule.', obj('One device rule.', {
    allow: bool('Whether this rule allows or denies access.'),
    type: { type: 'string', markdownDescription: 'Device type: `a` (all), `c` (character) or `b` (block).', examples: ['a', 'c', 'b'] },
    major: ref('int64', 'Major number; absent means any.'),
    minor: ref('int64', 'Minor number; absent means any.'),
    access: { type: 'string', markdownDescription: 'Any of `r` (read), `w` (write), `m` (mknod).', examples: ['rwm', 'rw', 'r'] },
  }, { required: ['allow'], specLink: L('allowed-device-list') })),
  memory: obj('Memory controller limits, in bytes (-1 is unlimited).', {
    limit: ref('int64', 'Hard limit on memory use; the OOM killer acts above it.'),
    reservation: ref('int64', 'Soft limit the kernel reclaims towards under pressure. Must not exceed `limit`.'),
    swap: ref('int64', 'Limit on memory plus swap (v1 semantics), so it must be at least `limit`.'),
    kernel: { ...ref('int64', 'Kernel memory limit. **Deprecated**: Linux 5.4 and later ignore it.'), deprecated: true, deprecationMessage: 'linux.resources.memory.kernel is deprecated: the kernel ignores it' },
    kernelTCP: { ...ref('int64', 'Kernel TCP buffer memory limit. **Deprecated** by the spec (cgroup v1 only).'), deprecated: true, deprecationMessage: 'linux.resources.memory.kernelTCP is deprecated' },
    swappiness: ref('uint64', 'How eagerly the kernel swaps this cgroup\'s memory, 0 to 100 (cgroup v1).'),
    disableOOMKiller: bool('Pause instead of killing when the limit is hit (cgroup v1 `memory.oom_control`).'),
    useHierarchy: bool('Account the memory of child cgroups (cgroup v1).'),
    checkBeforeUpdate: bool('On update, refuse a limit below current usage instead of triggering reclaim or OOM.'),
  }, { specLink: L('memory') }),
  cpu: obj('CPU controller: shares, CFS quota and cpuset.', {
    shares: ref('uint64', 'Relative weight against sibling cgroups (v1 `cpu.shares`, default 1024).'),
    quota: ref('int64', 'Microseconds of CPU the cgroup may use per `period`; -1 removes the limit.'),
    burst: ref('uint64', 'Microseconds of unused quota that may be carried into a later period.'),
    period: ref('uint64', 'Length of a CFS period in microseconds (default 100000).'),
    realtimeRuntime: ref('int64', 'Microseconds per `realtimePeriod` that real-time tasks may run.'),
    realtimePeriod: ref('uint64', 'Period for `realtimeRuntime`, in microseconds.'),
    cpus: str('CPUs the container may run on, a list like `0-3,5`.'),
    mems: str('Memory nodes the container may allocate from, a list like `0-1`.'),
    idle: ref('int64', 'Set to 1 to give the cgroup SCHED_IDLE treatment (cgroup v2).'),
  }, { specLink: L('cpu') }),
  pids: obj('The pids controller.', {
    limit: ref('int64', 'Maximum number of tasks (processes and threads); 0 or -1 means unlimited.'),
  }, { required: ['limit'], specLink: L('pids') }),
  blockIO: obj('The blkio (v1) or io (v2) controller: weights and throttles.', {
    weight: ref('uint16', 'Default weight, 10 to 1000.'),
    leafWeight: ref('uint16', 'Weight of the cgroup\'s own tasks against its children, 10 to 1000 (cgroup v1 CFQ only).'),
    weightDevice: arr('Per-device weights.', blockDevice('A weight for one device.', {
      weight: ref('uint16', 'Weight for this device, 10 to 1000.'),
      leafWeight: ref('uint16', 'Leaf weight for this device.'),
    })),
    throttleReadBpsDevice: throttle('Read bandwidth limits, bytes per second.'),
    throttleWriteBpsDevice: throttle('Write bandwidth limits, bytes per second.'),
    throttleReadIOPSDevice: throttle('Read operation limits, per second.'),
    throttleWriteIOPSDevice: throttle('Write operation limits, per second.'),
  }, { specLink: L('block-io') }),
  hugepageLimits: arr('Huge page limits of the hugetlb controller.', obj('A limit for one page size.', {
    pageSize: str('Page size with a unit: `2MB`, `1GB`, `64KB`.', { pattern: '^[1-9][0-9]*[KMG]B$' }),
    limit: ref('uint64', 'Bytes of huge pages of this size the cgroup may use.'),
  }, { required: ['pageSize', 'limit'], specLink: L('huge-page-limits') })),
  network: obj('net_cls and net_prio controllers (cgroup v1).', {
    classID: ref('uint32', 'Class identifier tagged on the cgroup\'s packets, for tc.'),
    priorities: arr('Priority of the cgroup\'s traffic per interface.', obj('One interface priority.', {
      name: str('Interface name.'),
      priority: ref('uint32', 'Priority on that interface.'),
    }, { required: ['name', 'priority'], specLink: L('network') })),
  }, { specLink: L('network') }),
  rdma: map('RDMA controller limits keyed by device name (`mlx5_1`).', obj('Limits for one RDMA device.', {
    hcaHandles: ref('uint32', 'Maximum number of HCA handles.'),
    hcaObjects: ref('uint32', 'Maximum number of HCA objects.'),
  }, { specLink: L('rdma') })),
  unified: { ...stringMap('cgroup v2 files to write, by name relative to the container\'s cgroup (`memory.high`: `"1G"`). Only valid on a v2 hierarchy.'), specLink: L('unified') },
}, { specLink: L('control-groups') });
