// Drop-in proof (issue 4): containerd's `ctr run --runc-binary` runs, execs
// into, signals and deletes a container of the same busybox image, against a
// containerd started here with its own root, state and socket. First with
// runc (harness check), then with dist/berth.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runcThenBerth } from './baseline';
import { Containerd } from './containerd';
import { IMAGE } from './image';
import { Podman } from './podman';
import { ctrScenario } from './scenario';

test('containerd drop-in: ctr run --runc-binary with runc (harness check), then berth against the committed baseline', { timeout: 300_000 }, async (t) => {
  const pm = new Podman();
  const cd = new Containerd();
  t.after(async () => {
    await cd.stop();
    pm.cleanup([]);
  });
  pm.importImage();
  const archive = join(pm.dir, 'busybox-oci.tar');
  pm.saveOciArchive(archive);
  await cd.start();
  const imp = cd.ctr(['images', 'import', '--snapshotter', 'native', '--all-platforms', archive]);
  assert.equal(imp.code, 0, `ctr images import: ${imp.stderr}`);
  assert.match(cd.ctr(['images', 'ls', '--quiet']).stdout, new RegExp(IMAGE.replace(/[.:/]/g, '\\$&')));

  runcThenBerth((runtime) => ctrScenario(cd, runtime));
});
