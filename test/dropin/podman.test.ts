// Drop-in proof (issue 4): podman runs, execs into, stops and removes a
// container from a locally imported busybox image with --runtime. First
// with runc, which validates the harness itself; then with dist/berth.
// Each scenario runs twice: with podman's default seccomp profile, and
// without it (podman-unconfined/...).
import { test } from 'node:test';
import { BERTH, runcThenBerth } from './baseline';
import { Podman } from './podman';
import { podmanScenario } from './scenario';

test('podman drop-in, with and without its default seccomp profile: runc through run, exit code, run -d, exec, stop, rm (harness check), then berth against the committed baseline', { timeout: 300_000 }, (t) => {
  const pm = new Podman();
  t.after(() => pm.cleanup(['/usr/sbin/runc', BERTH]));
  pm.importImage();

  runcThenBerth((runtime) => [...podmanScenario(pm, runtime), ...podmanScenario(pm, runtime, 'unconfined')]);
});
