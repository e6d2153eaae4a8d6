// Test helper run as its own process (a filter cannot be taken off again):
// loads the seccomp config given as argv[2], then makes each probe syscall of
// argv[3] through libc's syscall(2) and prints one JSON line per probe:
// {"rc": n, "errno": n}. Syscall names are resolved before the filter loads.
import type * as Koffi from 'koffi';
import { loadSeccomp, resolveSyscall } from '../../helper/linux/seccomp';

const koffi = require('koffi') as typeof Koffi;
const libc = koffi.load('libc.so.6');
const syscall = libc.func('long syscall(long nr, ...)');

const seccomp = JSON.parse(process.argv[2]);
const probes = JSON.parse(process.argv[3]) as { name: string; args?: number[] }[];
const opts = process.argv[4] ? JSON.parse(process.argv[4]) : {};
const resolved = probes.map((p) => {
  const nr = resolveSyscall(p.name);
  if (nr === undefined) throw new Error(`unknown syscall ${p.name}`);
  return { nr, args: p.args ?? [] };
});
loadSeccomp(seccomp, { ...opts, warn: (m: string) => process.stderr.write(`${m}\n`) });
for (const p of resolved) {
  const typed = p.args.flatMap((a) => ['long', a]);
  const rc = Number(syscall(p.nr, ...typed));
  process.stdout.write(`${JSON.stringify({ rc, errno: rc < 0 ? koffi.errno() : 0 })}\n`);
}
