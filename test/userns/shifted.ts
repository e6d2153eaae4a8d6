// A busybox bundle whose container has a user namespace mapping root to
// host uid/gid 100000 (65536 ids), its rootfs owned accordingly, and a
// Runner whose --root keeps mkdtemp's mode 0700 (the container's root cannot
// search it). Cleaned up by the test's `after`.
import assert from 'node:assert/strict';
import { chmodSync, lchownSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Spec } from '../../helper/spec/types';
import { makeBundle } from '../fixtures/bundle';
import { ensureBuilt, Runner } from '../runtime/harness';

export const SHIFT = 100000;

function chownTree(p: string, id: number): void {
  lchownSync(p, id, id);
  const st = statSync(p, { throwIfNoEntry: false });
  if (st?.isDirectory()) for (const n of readdirSync(p)) chownTree(join(p, n), id);
}

export function shiftedSetup(t: { after(fn: () => void): void }, args: string[], edit: (s: Spec) => void) {
  ensureBuilt();
  const r = new Runner();
  // mkdtemp's 0700 --root is left as is: the container's root (host uid 100000) cannot search it.
  assert.equal(statSync(r.root).mode & 0o777, 0o700);
  const bundle = makeBundle(args, (s) => {
    s.linux!.namespaces!.push({ type: 'user' });
    s.linux!.uidMappings = [{ containerID: 0, hostID: SHIFT, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: SHIFT, size: 65536 }];
    edit(s);
  });
  chmodSync(bundle.dir, 0o755);
  chownTree(bundle.rootfs, SHIFT);
  t.after(() => {
    r.cleanup();
    bundle.cleanup();
  });
  return { r, bundle };
}
