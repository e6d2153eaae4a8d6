// Errors from the cgroup layer name the config field (a JSON pointer into
// config.json) or the cgroup file, and the reason — the same words reach
// `berth create`, `berth update` and the daemon.

export class CgroupError extends Error {
  constructor(
    message: string,
    /** JSON pointer of the config field at fault, when one is. */
    readonly pointer?: string,
    /** errno name from the kernel (ENOENT, EINVAL, …), when the kernel refused. */
    readonly code?: string,
  ) {
    super(pointer ? `${pointer}: ${message}` : message);
    this.name = 'CgroupError';
  }
}

/** Pointer of a field under linux.resources. */
export function ptr(...parts: (string | number)[]): string {
  return ['/linux/resources', ...parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1'))].join('/');
}

/** A knob that exists only in the other cgroup version. */
export function wrongVersion(pointer: string, knob: string, version: 'v1' | 'v2'): CgroupError {
  return new CgroupError(`${knob} exists only on cgroup ${version === 'v1' ? 'v2' : 'v1'}, and this container's cgroup is ${version}`, pointer);
}
