// A failed system call, named like crun names them: the call, the object it
// acted on, and the kernel's reason ("mount `/proc`: Operation not permitted").
import { getSystemErrorMap } from 'node:util';
import { LINUX_ERRNOS } from './errnos';

export class SysError extends Error {
  constructor(
    readonly syscall: string,
    readonly errno: number,
    readonly object?: string,
  ) {
    super(`${syscall}${object === undefined ? '' : ` \`${object}\``}: ${strerror(errno)}`);
  }

  /** The errno's symbolic name, e.g. ENOENT. */
  get code(): string {
    return errnoEntry(this.errno)?.[0] ?? `E${this.errno}`;
  }
}

/** Node's (libuv's) name and text for errno, else Linux's own (errnos.ts): libuv lacks ENOEXEC, ECHILD, ESTALE and others. */
function errnoEntry(errno: number): readonly [string, string] | undefined {
  return getSystemErrorMap().get(-errno) ?? LINUX_ERRNOS[errno];
}

export function strerror(errno: number): string {
  const msg = errnoEntry(errno)?.[1] ?? `errno ${errno}`;
  return msg.charAt(0).toLowerCase() + msg.slice(1);
}

/** errno of a Node fs error (which carries a negative errno), or undefined. */
export function nodeErrno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}
