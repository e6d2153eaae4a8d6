// debootstrap's lines → steps: the shape of a real bookworm minbase run on
// this machine (88 packages, 456 lines, the same order and wording), the
// percent rising through the bands and never back, and E:/W: lines kept
// for the failure message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DebootstrapProgress } from '../../helper/daemon/debootstrapProgress';

const PACKAGES = Array.from({ length: 88 }, (_, i) => `pkg${i}`);

function realShapedRun(): string[] {
  return [
    'I: Target architecture can be executed',
    'I: Retrieving InRelease ',
    'I: Checking Release signature',
    'I: Valid Release signature (key id 4D64FEC119C2029067D6E791F8D2585B8783D481)',
    'I: Retrieving Packages ',
    'I: Validating Packages ',
    'I: Resolving dependencies of required packages...',
    'I: Resolving dependencies of base packages...',
    'I: Checking component main on http://deb.debian.org/debian...',
    ...PACKAGES.flatMap((p) => [`I: Retrieving ${p} 1:2.38.1-5+deb12u3`, `I: Validating ${p} 1:2.38.1-5+deb12u3`]),
    'I: Chosen extractor for .deb packages: dpkg-deb',
    ...PACKAGES.map((p) => `I: Extracting ${p}...`),
    'I: Installing core packages...',
    'I: Unpacking required packages...',
    ...PACKAGES.map((p) => `I: Unpacking ${p}:amd64...`),
    'I: Configuring required packages...',
    ...PACKAGES.map((p) => `I: Configuring ${p}...`),
    'I: Unpacking the base system...',
    'I: Base system installed successfully.',
  ];
}

test('a real-shaped debootstrap run: every I: line is a step, phases in order, percent rises to 99', () => {
  const p = new DebootstrapProgress();
  const steps = realShapedRun().map((l) => p.feed(l));
  assert.ok(steps.every((s) => s !== undefined));
  const percents = steps.map((s) => s!.percent);
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'never backwards');
  assert.equal(percents.at(-1), 99, 'success is 99 until config.json is written');
  const at = (text: string) => steps.find((s) => s!.step === text)!;
  assert.deepEqual(at('Retrieving InRelease'), { phase: 'release', step: 'Retrieving InRelease', percent: 1 });
  assert.equal(at('Retrieving pkg43 1:2.38.1-5+deb12u3').phase, 'retrieve');
  assert.equal(at('Validating pkg43 1:2.38.1-5+deb12u3').phase, 'validate');
  assert.equal(at('Chosen extractor for .deb packages: dpkg-deb').phase, 'other');
  assert.ok(at('Extracting pkg0...').percent >= 40 && at('Extracting pkg87...').percent === 55);
  assert.equal(at('Unpacking pkg87:amd64...').percent, 75);
  assert.equal(at('Configuring pkg87...').percent, 98);
  const phases = [...new Set(steps.map((s) => s!.phase))];
  assert.deepEqual(phases, ['other', 'release', 'resolve', 'retrieve', 'validate', 'extract', 'install', 'unpack', 'configure', 'config']);
});

test('lines that are not I: lines are no steps; E: and W: make the failure message', () => {
  const p = new DebootstrapProgress();
  assert.equal(p.feed('dpkg: warning: something on stdout'), undefined);
  assert.equal(p.feed('W: Cannot check Release signature; keyring file not available /usr/share/keyrings/ubuntu-archive-keyring.gpg'), undefined);
  assert.equal(p.failure('debootstrap noble into /b/rootfs: exited with 1'), 'debootstrap noble into /b/rootfs: exited with 1: Cannot check Release signature; keyring file not available /usr/share/keyrings/ubuntu-archive-keyring.gpg');
  p.feed('E: Failed getting release file http://127.0.0.1:9/debian/dists/bookworm/Release');
  assert.equal(p.failure('x: exited with 1'), 'x: exited with 1: Failed getting release file http://127.0.0.1:9/debian/dists/bookworm/Release');
  assert.equal(new DebootstrapProgress().failure('x: exited with 1'), 'x: exited with 1');
});
