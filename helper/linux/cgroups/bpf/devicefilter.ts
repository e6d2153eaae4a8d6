// Compiles a device policy (see ../devices.ts) into an eBPF program of type
// BPF_PROG_TYPE_CGROUP_DEVICE. The kernel calls it with
// struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; } in r1,
// where access_type = access << 16 | type (type: 1 block, 2 char; access:
// 1 mknod, 2 read, 4 write); it returns 1 to allow, 0 to deny.
//
// Layout: load the four values into r2..r5, then one block per exception,
// each jumping to the next when a field does not match and returning the
// exception's verdict when all do; after the last block, the default.
import type { DevicePolicy, DeviceRule } from '../devices';

const enum Op {
  LDX_W = 0x61, // r_dst = *(u32 *)(r_src + off)
  AND_K = 0x57, // r_dst &= imm (64-bit)
  RSH_K = 0x77, // r_dst >>= imm
  MOV_K = 0xb7, // r_dst = imm
  MOV_X = 0xbf, // r_dst = r_src
  JNE_K = 0x55, // if r_dst != imm goto pc + off
  EXIT = 0x95,
}

interface Insn {
  op: Op;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

const ins = (op: Op, dst = 0, src = 0, off = 0, imm = 0): Insn => ({ op, dst, src, off, imm });

const TYPE = { b: 1, c: 2 } as const;
const ACCESS = { m: 1, r: 2, w: 4 } as const;

function ruleBlock(r: DeviceRule): Insn[] {
  // Each check is a JNE whose offset (filled below) skips to the end of the block.
  const checks: Insn[][] = [];
  if (r.type !== 'a') checks.push([ins(Op.JNE_K, 2, 0, 0, TYPE[r.type])]);
  const access = [...r.access].reduce((a, c) => a | ACCESS[c as keyof typeof ACCESS], 0);
  if (access !== 7) {
    // Requested access must lie within the rule's: (requested & ~rule) == 0.
    checks.push([ins(Op.MOV_X, 1, 3), ins(Op.AND_K, 1, 0, 0, ~access & 7), ins(Op.JNE_K, 1, 0, 0, 0)]);
  }
  if (r.major !== undefined) checks.push([ins(Op.JNE_K, 4, 0, 0, r.major)]);
  if (r.minor !== undefined) checks.push([ins(Op.JNE_K, 5, 0, 0, r.minor)]);
  const tail = [ins(Op.MOV_K, 0, 0, 0, r.allow ? 1 : 0), ins(Op.EXIT)];
  const body = checks.flat();
  // Offsets are relative to the next instruction; a failed check jumps past the tail.
  body.forEach((x, i) => {
    if (x.op === Op.JNE_K) x.off = body.length - i - 1 + tail.length;
  });
  return [...body, ...tail];
}

export function compileDeviceProgram(policy: DevicePolicy): Insn[] {
  const prologue = [
    ins(Op.LDX_W, 2, 1, 0),
    ins(Op.AND_K, 2, 0, 0, 0xffff),
    ins(Op.LDX_W, 3, 1, 0),
    ins(Op.RSH_K, 3, 0, 0, 16),
    ins(Op.LDX_W, 4, 1, 4),
    ins(Op.LDX_W, 5, 1, 8),
  ];
  const blocks = policy.rules.flatMap(ruleBlock);
  return [...prologue, ...blocks, ins(Op.MOV_K, 0, 0, 0, policy.defaultAllow ? 1 : 0), ins(Op.EXIT)];
}

/** struct bpf_insn: u8 code, u8 dst_reg:4 src_reg:4 (little-endian nibbles), s16 off, s32 imm. */
export function encode(insns: Insn[]): Buffer {
  const b = Buffer.alloc(insns.length * 8);
  insns.forEach((x, i) => {
    b.writeUInt8(x.op, i * 8);
    b.writeUInt8((x.src << 4) | x.dst, i * 8 + 1);
    b.writeInt16LE(x.off, i * 8 + 2);
    b.writeInt32LE(x.imm, i * 8 + 4);
  });
  return b;
}
