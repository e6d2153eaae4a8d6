// One long-running busybox container per test file of test/cli: a bundle, a
// Runner with its own --root, and cleanup of both after the file.
import { after, before } from 'node:test';
import { makeBundle, type Bundle } from '../fixtures/bundle';
import { ensureBuilt, Runner } from '../runtime/harness';

export interface Fixture {
  bundle: Bundle;
  runner: Runner;
}

/** Registers before/after hooks; the returned object is filled in before the first test. */
export function longRunningFixture(): Fixture {
  const f = {} as Fixture;
  before(() => {
    ensureBuilt();
    f.bundle = makeBundle(['sh', '-c', 'trap "exit 0" TERM; sleep 300 & wait']);
    f.runner = new Runner();
  });
  after(() => {
    f.runner.cleanup();
    f.bundle.cleanup();
  });
  return f;
}
