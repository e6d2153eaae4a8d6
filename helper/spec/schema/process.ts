// The `process` section of config.md: what runs in the container and with
// which identity, capabilities, limits and scheduling.
import { CAPABILITIES } from '../names/capabilities';
import { RLIMITS } from '../names/rlimits';
import { arr, bool, link, names, obj, ref, str, strings, suggested, type Schema } from './build';

const L = (a: string) => link('config.md', a);

const capSet = (md: string): Schema => arr(md, suggested('A capability name, `CAP_` and the kernel\'s name for it.', CAPABILITIES));

export const processSchema: Schema = obj('The container\'s process: started by `start`, it is PID 1 of the container when a PID namespace is made.', {
  terminal: bool('Attach a pseudo-terminal to the process. The runtime sends its master side to `--console-socket`.', false),
  consoleSize: obj('Initial size of the terminal, in characters. Ignored without `terminal`.', {
    height: ref('uint64', 'Rows.'),
    width: ref('uint64', 'Columns.'),
  }, { required: ['height', 'width'], specLink: L('process') }),
  cwd: str('Working directory of the process, an absolute path inside the container.', { default: '/' }),
  env: strings('Environment variables, each `KEY=value`. `PATH` here is the one used to find `args[0]`.', { default: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] }),
  args: strings('The command and its arguments, like execvp(3): `args[0]` is looked up in the config\'s `PATH` when it has no slash. Required by `start` on POSIX platforms.', { default: ['sh'] }),
  commandLine: str('The whole command line as one string. Windows only; Linux runtimes ignore it.'),
  rlimits: arr('Resource limits set with setrlimit(2) before the process starts. A limit can only go above the runtime\'s own hard limit with CAP_SYS_RESOURCE.',
    obj('One resource limit.', {
      type: { type: 'string', pattern: '^RLIMIT_[A-Z]+$', markdownDescription: 'Which resource: `RLIMIT_` and the name setrlimit(2) uses.', examples: RLIMITS.map(([n]) => n), suggestionDescriptions: Object.fromEntries(RLIMITS) },
      soft: ref('uint64', 'The value the kernel enforces; the process may raise it up to `hard`.'),
      hard: ref('uint64', 'Ceiling for the soft limit; raising it needs CAP_SYS_RESOURCE.'),
    }, { required: ['type', 'soft', 'hard'], specLink: L('posix-process') })),
  apparmorProfile: str('Name of the AppArmor profile the process runs under.', { specLink: L('linux-process') }),
  capabilities: obj('The five capability sets of the process after `execve`. Anything not listed is dropped.', {
    effective: capSet('Capabilities the kernel checks. Each must also be permitted to take effect.'),
    bounding: capSet('Upper bound: a capability missing here can never be gained again, even by a set-user-ID binary.'),
    inheritable: capSet('Capabilities kept across `execve` for programs whose file grants them.'),
    permitted: capSet('Capabilities the process may make effective.'),
    ambient: capSet('Capabilities kept across `execve` of unprivileged programs. Each must be permitted and inheritable.'),
  }, { specLink: L('linux-process') }),
  noNewPrivileges: bool('Sets no_new_privs: `execve` can no longer grant privileges (set-user-ID bits, file capabilities are ignored).', false),
  oomScoreAdj: { type: 'integer', markdownDescription: 'Written to /proc/self/oom_score_adj: -1000 (never kill) to 1000 (kill first).' },
  scheduler: obj('Scheduling policy and its attributes, set with sched_setattr(2).', {
    policy: names('The scheduling policy.', [
      ['SCHED_OTHER', 'the default time-sharing policy'],
      ['SCHED_FIFO', 'real-time, first in first out'],
      ['SCHED_RR', 'real-time, round robin'],
      ['SCHED_BATCH', 'for CPU-bound batch work'],
      ['SCHED_ISO', 'reserved, not implemented by Linux'],
      ['SCHED_IDLE', 'only when nothing else wants the CPU'],
      ['SCHED_DEADLINE', 'earliest deadline first, with runtime, deadline and period'],
    ]),
    nice: ref('int32', 'Nice value for SCHED_OTHER and SCHED_BATCH, -20 to 19.'),
    priority: ref('int32', 'Static priority for SCHED_FIFO and SCHED_RR, 1 to 99.'),
    flags: arr('Flags of sched_setattr(2).', names('A scheduler flag.', [
      ['SCHED_FLAG_RESET_ON_FORK', 'children start with the default policy'],
      ['SCHED_FLAG_RECLAIM', 'deadline tasks may reclaim unused bandwidth'],
      ['SCHED_FLAG_DL_OVERRUN', 'signal the task when it overruns its runtime'],
      ['SCHED_FLAG_KEEP_POLICY', 'keep the current policy'],
      ['SCHED_FLAG_KEEP_PARAMS', 'keep the current parameters'],
      ['SCHED_FLAG_UTIL_CLAMP_MIN', 'set the minimum utilisation clamp'],
      ['SCHED_FLAG_UTIL_CLAMP_MAX', 'set the maximum utilisation clamp'],
    ])),
    runtime: ref('uint64', 'SCHED_DEADLINE: nanoseconds of CPU the task gets per period.'),
    deadline: ref('uint64', 'SCHED_DEADLINE: nanoseconds from the start of a period by which the runtime must be served.'),
    period: ref('uint64', 'SCHED_DEADLINE: length of a period in nanoseconds.'),
  }, { required: ['policy'], specLink: L('linux-process') }),
  selinuxLabel: str('SELinux label of the process, like `system_u:system_r:svirt_lxc_net_t:s0:c124,c675`.', { specLink: L('linux-process') }),
  ioPriority: obj('I/O scheduling class and priority, set with ioprio_set(2).', {
    class: names('The I/O class.', [
      ['IOPRIO_CLASS_RT', 'real-time: served first'],
      ['IOPRIO_CLASS_BE', 'best effort: the default'],
      ['IOPRIO_CLASS_IDLE', 'only when the disk is otherwise idle'],
    ]),
    priority: ref('int32', 'Priority within the class, 0 (highest) to 7.'),
  }, { required: ['class'], specLink: L('linux-process') }),
  execCPUAffinity: obj('CPUs the runtime pins itself to while it joins the container, and the process after it starts.', {
    initial: str('CPU list (`0-3,7`) used while the runtime enters the container\'s cgroup.', { pattern: '^[0-9, -]*$' }),
    final: str('CPU list for the process once it runs.', { pattern: '^[0-9, -]*$' }),
  }, { specLink: L('linux-process') }),
  user: obj('Identity of the process inside the container.', {
    uid: ref('uint32', 'User ID, in the container\'s user namespace.'),
    gid: ref('uint32', 'Group ID, in the container\'s user namespace.'),
    umask: ref('uint32', 'File mode creation mask, in decimal (`18` is `022`). When absent the runtime leaves the inherited one, usually `022`.'),
    additionalGids: arr('Supplementary groups.', ref('uint32', 'A group ID.')),
    username: str('User name. Windows only; Linux runtimes ignore it.'),
  }, { required: ['uid', 'gid'], specLink: L('user') }),
}, { required: ['cwd'], specLink: L('process') });
