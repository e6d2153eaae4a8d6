// The few bpf(2) commands a cgroup v2 device program needs, called through
// libc's syscall() with koffi: load a program, attach it to a cgroup, list
// and detach the ones attached before. bpf_attr is laid out by hand (offsets
// from include/uapi/linux/bpf.h); fields not named stay zero.
import { closeSync } from 'node:fs';
import { CgroupError } from '../errors';

const SYS_BPF: Record<string, number> = { x64: 321, arm64: 280, riscv64: 280, s390x: 351, ppc64: 361 };
const CMD = { PROG_LOAD: 5, PROG_ATTACH: 8, PROG_DETACH: 9, PROG_GET_FD_BY_ID: 13, PROG_QUERY: 16 } as const;
export const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
export const BPF_CGROUP_DEVICE = 6;
const BPF_F_ALLOW_MULTI = 2;
const ATTR_SIZE = 128;

type Koffi = typeof import('koffi');
let libc: { koffi: Koffi; syscall: (...a: unknown[]) => number | bigint } | undefined;

function bind() {
  if (!libc) {
    const koffi: Koffi = require('koffi');
    const lib = koffi.load('libc.so.6');
    libc = { koffi, syscall: lib.func('long syscall(long number, ...)') };
  }
  return libc;
}

function bpf(cmd: number, attr: Buffer, what: string): number {
  const { koffi, syscall } = bind();
  const nr = SYS_BPF[process.arch];
  if (nr === undefined) throw new CgroupError(`bpf: no syscall number known for architecture ${process.arch}`);
  const r = Number(syscall(nr, 'int', cmd, 'void *', attr, 'uint', ATTR_SIZE));
  if (r < 0) {
    const errno = koffi.errno();
    throw new CgroupError(`bpf ${what}: ${errnoName(errno)}`, undefined, errnoName(errno));
  }
  return r;
}

function errnoName(n: number): string {
  const names: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 9: 'EBADF', 13: 'EACCES', 14: 'EFAULT', 22: 'EINVAL', 28: 'ENOSPC', 95: 'EOPNOTSUPP', 7: 'E2BIG' };
  return names[n] ?? `errno ${n}`;
}

/** Loads a BPF_PROG_TYPE_CGROUP_DEVICE program; returns its fd. On a verifier error the message carries the verifier's log. */
export function loadDeviceProgram(insns: Buffer, license = 'Apache-2.0'): number {
  const { koffi } = bind();
  const lic = Buffer.from(license + '\0');
  const attempt = (log?: Buffer) => {
    const attr = Buffer.alloc(ATTR_SIZE);
    attr.writeUInt32LE(BPF_PROG_TYPE_CGROUP_DEVICE, 0);
    attr.writeUInt32LE(insns.length / 8, 4);
    attr.writeBigUInt64LE(koffi.address(insns), 8);
    attr.writeBigUInt64LE(koffi.address(lic), 16);
    if (log) {
      attr.writeUInt32LE(1, 24);
      attr.writeUInt32LE(log.length, 28);
      attr.writeBigUInt64LE(koffi.address(log), 32);
    }
    attr.write('berth_devices', 48, 15, 'latin1');
    attr.writeUInt32LE(BPF_CGROUP_DEVICE, 68);
    return bpf(CMD.PROG_LOAD, attr, 'load device program');
  };
  try {
    return attempt();
  } catch (e) {
    const log = Buffer.alloc(65536);
    try {
      return attempt(log);
    } catch {
      const text = log.toString('latin1', 0, Math.max(0, log.indexOf(0))).trim();
      throw new CgroupError(`${(e as Error).message}${text ? `; verifier: ${text}` : ''}`, undefined, (e as CgroupError).code);
    }
  }
}

/** Ids of the device programs attached to the cgroup directory open as `cgroupFd`. */
export function queryDevicePrograms(cgroupFd: number): number[] {
  const { koffi } = bind();
  const ids = Buffer.alloc(4 * 64);
  const attr = Buffer.alloc(ATTR_SIZE);
  attr.writeUInt32LE(cgroupFd, 0);
  attr.writeUInt32LE(BPF_CGROUP_DEVICE, 4);
  attr.writeBigUInt64LE(koffi.address(ids), 16);
  attr.writeUInt32LE(64, 24);
  bpf(CMD.PROG_QUERY, attr, 'query device programs');
  const n = attr.readUInt32LE(24);
  return Array.from({ length: Math.min(n, 64) }, (_, i) => ids.readUInt32LE(i * 4));
}

export function attachDeviceProgram(cgroupFd: number, progFd: number): void {
  const attr = Buffer.alloc(ATTR_SIZE);
  attr.writeUInt32LE(cgroupFd, 0);
  attr.writeUInt32LE(progFd, 4);
  attr.writeUInt32LE(BPF_CGROUP_DEVICE, 8);
  attr.writeUInt32LE(BPF_F_ALLOW_MULTI, 12);
  bpf(CMD.PROG_ATTACH, attr, 'attach device program');
}

export function detachDeviceProgram(cgroupFd: number, progId: number): void {
  const get = Buffer.alloc(ATTR_SIZE);
  get.writeUInt32LE(progId, 0);
  const progFd = bpf(CMD.PROG_GET_FD_BY_ID, get, `get program ${progId}`);
  try {
    const attr = Buffer.alloc(ATTR_SIZE);
    attr.writeUInt32LE(cgroupFd, 0);
    attr.writeUInt32LE(progFd, 4);
    attr.writeUInt32LE(BPF_CGROUP_DEVICE, 8);
    bpf(CMD.PROG_DETACH, attr, `detach program ${progId}`);
  } finally {
    closeSync(progFd);
  }
}
