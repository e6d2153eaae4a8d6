// linux.netDevices: moving a host interface into the container's network
// namespace (and renaming it there) in one rtnetlink request, through
// iproute2's `ip`, which every distribution ships; its own error text names
// the cause (no such device, name taken in the target, ...).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const IP_CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

export function ipBinary(): string | undefined {
  return IP_CANDIDATES.find((p) => existsSync(p));
}

/** True when `name` is an interface of the caller's network namespace. */
export function hostInterfaceExists(name: string): boolean {
  return !name.includes('/') && name !== '.' && name !== '..' && existsSync(`/sys/class/net/${name}`);
}

/** Moves `hostName` into the network namespace of `pid`, named `newName` there. */
export function moveInterface(hostName: string, pid: number, newName: string = hostName): void {
  const ip = ipBinary();
  if (!ip) throw new Error('moving a network device needs iproute2 (`ip`), which is not installed');
  const r = spawnSync(ip, ['link', 'set', 'dev', hostName, 'netns', String(pid), 'name', newName], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit status ${r.status}`).trim().replace(/\.$/, '');
    throw new Error(`move network device \`${hostName}\` to \`${newName}\`: ${why.charAt(0).toLowerCase()}${why.slice(1)}`);
  }
}
