// Resource limit names setrlimit(2) understands, with what each bounds.

export const RLIMITS: readonly [name: string, bounds: string][] = [
  ['RLIMIT_AS', 'size of the virtual address space, in bytes'],
  ['RLIMIT_CORE', 'size of core dumps, in bytes (0 disables them)'],
  ['RLIMIT_CPU', 'CPU time, in seconds; SIGXCPU at the soft limit'],
  ['RLIMIT_DATA', 'size of the data segment and heap, in bytes'],
  ['RLIMIT_FSIZE', 'size of files the process may create, in bytes'],
  ['RLIMIT_LOCKS', 'number of file locks and leases'],
  ['RLIMIT_MEMLOCK', 'bytes of memory that may be locked in RAM'],
  ['RLIMIT_MSGQUEUE', 'bytes in POSIX message queues of the real user'],
  ['RLIMIT_NICE', 'ceiling for the nice value (20 - limit)'],
  ['RLIMIT_NOFILE', 'number of open file descriptors, plus one'],
  ['RLIMIT_NPROC', 'number of processes and threads of the real user'],
  ['RLIMIT_RSS', 'resident set size (ignored by modern kernels)'],
  ['RLIMIT_RTPRIO', 'ceiling for the real-time priority'],
  ['RLIMIT_RTTIME', 'CPU time under real-time scheduling without a blocking call, in microseconds'],
  ['RLIMIT_SIGPENDING', 'number of signals queued for the real user'],
  ['RLIMIT_STACK', 'size of the main thread stack, in bytes'],
];

export const RLIMIT_NAMES: readonly string[] = RLIMITS.map(([n]) => n);
