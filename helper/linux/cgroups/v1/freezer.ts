// v1 freezer: freezer.state goes FREEZING → FROZEN; wait for the kernel to
// settle so `pause` returns only when nothing in the container can run.
import { CgroupError } from '../errors';
import { readKnob, sleepMs, writeKnob } from '../fsio';

export function setFrozenV1(dir: string, frozen: boolean): void {
  const want = frozen ? 'FROZEN' : 'THAWED';
  for (let i = 0; i < 1000; i++) {
    writeKnob(dir, 'freezer.state', want);
    if (readKnob(dir, 'freezer.state') === want) return;
    sleepMs(i < 10 ? 1 : 10);
  }
  throw new CgroupError(`${dir}/freezer.state did not reach ${want}`);
}

export function isFrozenV1(dir: string): boolean {
  return readKnob(dir, 'freezer.state') !== 'THAWED';
}
