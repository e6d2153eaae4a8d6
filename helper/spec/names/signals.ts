// Signal names with their Linux x86-64 numbers, for `berth kill`, hover and
// completion. Real-time signals are written SIGRTMIN+n / SIGRTMAX-n.

export const SIGNALS: readonly [name: string, number: number, meaning: string][] = [
  ['SIGHUP', 1, 'hangup: the controlling terminal closed; daemons often reload'],
  ['SIGINT', 2, 'interrupt from the keyboard (Ctrl-C)'],
  ['SIGQUIT', 3, 'quit from the keyboard, with a core dump'],
  ['SIGILL', 4, 'illegal instruction'],
  ['SIGTRAP', 5, 'breakpoint or trace trap'],
  ['SIGABRT', 6, 'abort, usually from abort(3)'],
  ['SIGBUS', 7, 'bus error: bad memory access'],
  ['SIGFPE', 8, 'arithmetic exception'],
  ['SIGKILL', 9, 'kill: cannot be caught or ignored'],
  ['SIGUSR1', 10, 'user-defined signal 1'],
  ['SIGSEGV', 11, 'invalid memory reference'],
  ['SIGUSR2', 12, 'user-defined signal 2'],
  ['SIGPIPE', 13, 'write to a pipe with no reader'],
  ['SIGALRM', 14, 'timer from alarm(2)'],
  ['SIGTERM', 15, 'polite request to terminate: the default of `kill`'],
  ['SIGSTKFLT', 16, 'coprocessor stack fault (unused)'],
  ['SIGCHLD', 17, 'a child stopped or terminated'],
  ['SIGCONT', 18, 'continue a stopped process'],
  ['SIGSTOP', 19, 'stop: cannot be caught or ignored'],
  ['SIGTSTP', 20, 'stop typed at the terminal (Ctrl-Z)'],
  ['SIGTTIN', 21, 'terminal input for a background process'],
  ['SIGTTOU', 22, 'terminal output for a background process'],
  ['SIGURG', 23, 'urgent data on a socket'],
  ['SIGXCPU', 24, 'CPU time limit exceeded'],
  ['SIGXFSZ', 25, 'file size limit exceeded'],
  ['SIGVTALRM', 26, 'virtual timer expired'],
  ['SIGPROF', 27, 'profiling timer expired'],
  ['SIGWINCH', 28, 'the terminal window changed size'],
  ['SIGIO', 29, 'I/O is possible on a descriptor'],
  ['SIGPWR', 30, 'power failure'],
  ['SIGSYS', 31, 'bad system call (also what seccomp SCMP_ACT_TRAP sends)'],
];

export const SIGNAL_NAMES: readonly string[] = SIGNALS.map(([n]) => n);
