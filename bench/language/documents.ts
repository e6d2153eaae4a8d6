// The two documents the benchmark edits: runc's default config as `runc spec`
// writes it, and a generated config of at least 2,000 lines (runc's default
// plus mounts, devices and a seccomp profile), both tab-indented like runc.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spec } from '../../helper/spec/types';

export function runcDefault(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  try {
    execFileSync('runc', ['spec'], { cwd: dir });
    return readFileSync(join(dir, 'config.json'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SYSCALLS = ['read', 'write', 'openat', 'close', 'fstat', 'mmap', 'munmap', 'brk', 'rt_sigaction', 'ioctl', 'pread64', 'readv', 'writev', 'access', 'pipe2', 'select', 'mremap', 'msync'];

export function large(minLines = 2000): string {
  const spec = JSON.parse(runcDefault()) as Spec;
  spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'], syscalls: [] };
  for (let i = 0; ; i++) {
    const text = JSON.stringify(spec, null, '\t');
    if (text.split('\n').length >= minLines) return `${text}\n`;
    spec.mounts!.push({ destination: `/data/${i}`, type: 'bind', source: `/srv/data/${i}`, options: ['rbind', 'ro', 'nosuid'] });
    spec.linux!.devices = [...(spec.linux!.devices ?? []), { type: 'c', path: `/dev/bench${i}`, major: 10, minor: i % 256, fileMode: 438, uid: 0, gid: 0 }];
    spec.linux!.seccomp.syscalls!.push({ names: SYSCALLS.slice(0, 1 + (i % SYSCALLS.length)), action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: i, op: 'SCMP_CMP_EQ' }] });
  }
}
