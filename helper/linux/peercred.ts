// Who is on the other end of a Unix socket, as the kernel recorded it when
// the peer connected: SO_PEERCRED (pid, uid, gid) and SO_PEERGROUPS (the
// peer's supplementary groups, kernel ≥ 4.13). berthd decides on these, never
// on anything the peer says about itself. koffi is loaded on first use.
import type * as Koffi from 'koffi';
import { SysError } from './errors';

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
const SO_PEERGROUPS = 59;
const ERANGE = 34;

export interface PeerCred {
  pid: number;
  uid: number;
  gid: number;
  /** Supplementary groups (may include gid). */
  groups: number[];
}

type GetSockOpt = (fd: number, level: number, name: number, val: Buffer, len: number[]) => number;
let bound: { koffi: typeof Koffi; getsockopt: GetSockOpt } | undefined;

function lib() {
  if (bound) return bound;
  const koffi = require('koffi') as typeof Koffi;
  const getsockopt = koffi.load('libc.so.6').func('int getsockopt(int fd, int level, int name, void *val, _Inout_ uint32_t *len)') as unknown as GetSockOpt;
  bound = { koffi, getsockopt };
  return bound;
}

/** Reads the credentials of the peer connected to socket fd. */
export function peerCred(fd: number): PeerCred {
  const { koffi, getsockopt } = lib();
  const cred = Buffer.alloc(12);
  const len = [12];
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, len) < 0) throw new SysError('getsockopt SO_PEERCRED', koffi.errno(), `fd ${fd}`);
  const pid = cred.readInt32LE(0);
  const uid = cred.readUInt32LE(4);
  const gid = cred.readUInt32LE(8);
  let groups = Buffer.alloc(64 * 4);
  let glen = [groups.length];
  if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, glen) < 0) {
    const e = koffi.errno();
    if (e !== ERANGE) throw new SysError('getsockopt SO_PEERGROUPS', e, `fd ${fd}`);
    groups = Buffer.alloc(glen[0]);
    glen = [groups.length];
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, glen) < 0) throw new SysError('getsockopt SO_PEERGROUPS', koffi.errno(), `fd ${fd}`);
  }
  const list: number[] = [];
  for (let off = 0; off + 4 <= glen[0]; off += 4) list.push(groups.readUInt32LE(off));
  return { pid, uid, gid, groups: list };
}
