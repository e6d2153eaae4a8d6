// fork(2) for a Node process, and what a forked child needs to leave and be
// waited for.
//
// Why it needs care (../shared/notes/startup.md has the measurements): V8
// marks its heap mappings MADV_DONTFORK, so a plain fork() gives a child
// without a JavaScript heap, which crashes with SIGSEGV the moment it returns
// to JavaScript. Marking those mappings MADV_DOFORK right before fork() lets
// the child run. The child has exactly one thread (the caller's), so it may
// do what a Node process never can: setns into a user or time namespace.
// It must only make synchronous calls (libuv's loop and pool threads are
// not there) and must leave with exitNow(), never through Node's exit, which
// joins threads the child does not have and hangs.
import { closeSync, openSync, readSync } from 'node:fs';
import { O_CLOEXEC, O_RDONLY } from './constants';
import { check, libc } from './libc';

const MADV_DOFORK = 11;

/**
 * This process's /proc/self/smaps, opened now: a process about to leave the
 * host's mount (and so /proc) namespace opens it before, for forkNode.
 */
export function openSmaps(): number {
  return openSync('/proc/self/smaps', O_RDONLY | O_CLOEXEC);
}

function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  let pos = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    pos += n;
  }
  return Buffer.concat(chunks).toString('latin1');
}

/** The top of the x86-64 and arm64 user address space (47 bits; 48-bit VA kernels map nothing above it by default). */
const USER_TOP = 1n << 47n;

/**
 * The address ranges MADV_DOFORK is given: all of user space but the
 * VM_IO mappings (VmFlags `io`: [vvar]), on which madvise stops with EINVAL.
 * Not just the `dc` mappings of the moment: V8 maps new heap between any
 * read of smaps and fork() (measured: each pass of advising created new
 * `dc` mappings), and one madvise over the whole range also covers those
 * (holes only make it return ENOMEM after doing the rest).
 */
function forkableRanges(smaps: number): [bigint, bigint][] {
  const io: [bigint, bigint][] = [];
  let range: [bigint, bigint] | undefined;
  for (const line of readAll(smaps).split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (m) range = [BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`)];
    else if (range && line.startsWith('VmFlags:') && / io( |$)/.test(line)) io.push(range);
  }
  io.sort((x, y) => (x[0] < y[0] ? -1 : 1));
  const out: [bigint, bigint][] = [];
  let from = 0x1000n;
  for (const [start, end] of io) {
    if (start > from) out.push([from, start]);
    from = end > from ? end : from;
  }
  if (from < USER_TOP) out.push([from, USER_TOP]);
  return out;
}

/**
 * fork(): 0 in the child, the child's pid in the parent. The parent should
 * have nothing running beside its main thread that matters to the child
 * (the child gets only the calling thread). `smaps` is an fd from
 * openSmaps(), when /proc/self is no longer this process's (closed here).
 */
export function forkNode(smaps = openSmaps()): number {
  const l = libc();
  let ranges: [bigint, bigint][];
  try {
    ranges = forkableRanges(smaps);
  } finally {
    closeSync(smaps);
  }
  // Advise, then fork at once: nothing in between may map new heap.
  for (const [start, end] of ranges) l.madvise(start, end - start, MADV_DOFORK);
  return check(l.fork(), 'fork');
}

/** Leaves a forked child at once, without Node's exit path (which would hang there). */
export function exitNow(code: number): never {
  libc().exit(code);
  throw new Error('unreachable');
}

export interface WaitStatus {
  code: number | null;
  /** The signal number that ended it, or null. */
  signal: number | null;
}

/** Blocking waitpid for one child (EINTR retried). */
export function waitChild(pid: number): WaitStatus {
  const status = [0];
  for (;;) {
    const r = libc().waitpid(pid, status, 0);
    if (r === pid) break;
    if (r < 0 && libc().koffi.errno() === 4 /* EINTR */) continue;
    check(r, 'waitpid', `pid ${pid}`);
  }
  const s = status[0];
  const sig = s & 0x7f;
  return sig === 0 ? { code: (s >> 8) & 0xff, signal: null } : { code: null, signal: sig };
}

/** A close-on-exec pipe: [read end, write end]. */
export function cloexecPipe(): [number, number] {
  const fds = [0, 0];
  check(libc().pipe2(fds, 0o2000000 /* O_CLOEXEC */), 'pipe2');
  return [fds[0], fds[1]];
}

/**
 * This process's pid as the pid namespace of the procfs behind `procFd`
 * sees it (readlinkat(procFd, "self")): how a forked child that has already
 * left the host's mount namespace, and so sees the container's /proc, still
 * learns its host pid, given an fd of the host's /proc opened before.
 */
export function pidSeenBy(procFd: number): number {
  const buf = Buffer.alloc(32);
  const n = check(libc().readlinkat(procFd, 'self', buf, buf.length), 'readlinkat', '/proc/self');
  return Number(buf.subarray(0, n).toString());
}

/**
 * Ends this process the way a waited-for child ended: the same exit code, or
 * killed by the same signal (raised again with its default action, so the
 * caller's own parent sees a signal, not a code).
 */
export function exitLike(st: WaitStatus): never {
  if (st.signal !== null) {
    const l = libc();
    l.signal(st.signal, null); // SIG_DFL, whatever Node installed
    l.syscall(14 /* rt_sigprocmask */, 'int', 1 /* SIG_UNBLOCK */, 'uint64_t *', [1n << BigInt(st.signal - 1)], 'void *', null, 'size_t', 8);
    l.syscall(62 /* kill */, 'int', l.getpid(), 'int', st.signal);
  }
  // A signal whose default is to be ignored (SIGCHLD, SIGWINCH) cannot end us: say it as a shell would.
  // _exit, not process.exit: a relay may have closed fds that Node's own exit path would touch.
  return exitNow(st.code ?? 128 + (st.signal ?? 0));
}
