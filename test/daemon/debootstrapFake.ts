// A berthd whose PATH starts with a fake `debootstrap`, for the bundle job
// tests of the daemon and of the extension's client. The fake prints the
// lines a real run prints (from a bookworm minbase run on this machine),
// mounts a tmpfs where debootstrap mounts proc, and by suite sleeps
// (`fakeslow`), fails (`fakefail`) or succeeds. berthd runs under
// `unshare -m --propagation private`, so the fake's mount lives in berthd's
// private mount namespace and never in the host's; the fake checks that
// before mounting.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { BerthClient } from '../../helper/protocol/client';
import { isAlive } from '../../helper/linux/proc';
import { makeDir, requireBuild, sleep } from './harness';

const DIST = resolve(__dirname, '../../dist');
const ARTIFACTS = resolve(__dirname, '../../test-artifacts');

/** The fake: suite `fakeslow` sleeps after Configuring, `fakefail` fails like a missing package, others succeed. */
const FAKE = `#!/bin/sh
variant=$1 suite=$2 target=$3 mirror=$4
echo $$ > "$FAKE_STATE/pid"
say() { echo "I: $*" >&2; sleep 0.02; }
say Retrieving InRelease
say Checking Release signature
say Valid Release signature '(key id 4D64FEC119C2029067D6E791F8D2585B8783D481)'
say Retrieving Packages
say Validating Packages
say Resolving dependencies of required packages...
say Checking component main on $mirror...
for p in base-files:12.4+deb12u15 dash:0.5.12-2 libc6:2.36-9+deb12u13; do
  say Retrieving \${p%%:*} \${p#*:}
  say Validating \${p%%:*} \${p#*:}
done
mkdir -p "$target/proc" "$target/bin"
echo fake > "$target/bin/sh"
say Chosen extractor for .deb packages: dpkg-deb
for p in base-files dash libc6; do say Extracting $p...; done
# Mount only where it cannot reach the host: berthd's private mount namespace.
if [ "$(readlink /proc/self/ns/mnt)" != "$FAKE_HOST_NS" ]; then
  mount -t tmpfs fakeproc "$target/proc" && echo "$target/proc" > "$FAKE_STATE/mounted"
fi
say Installing core packages...
say Unpacking required packages...
for p in base-files dash libc6; do say Unpacking $p...; done
say Configuring required packages...
for p in base-files dash libc6; do say Configuring $p...; done
case $suite in
  # The first sleep is orphaned at once (its subshell exits), as a dpkg whose parent died would be.
  fakeslow) (sleep 60 & echo $! > "$FAKE_STATE/sleep"); sleep 60 & wait; exit 0;;
  fakefail) echo "E: Couldn't find these debs: libfake1" >&2; exit 1;;
esac
[ -f "$FAKE_STATE/mounted" ] && umount "$target/proc"
say Base system installed successfully.
`;

export interface Fixture {
  dir: string;
  socket: string;
  state: string;
  berthd: ChildProcess;
  connect(): Promise<BerthClient>;
  mounts(): string;
}

export async function startWithFakeDebootstrap(t: TestContext, extra: string[] = []): Promise<Fixture> {
  requireBuild();
  const dir = makeDir();
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  mkdirSync(ARTIFACTS, { recursive: true });
  mkdirSync(bin);
  mkdirSync(state);
  writeFileSync(join(bin, 'debootstrap'), FAKE, { mode: 0o755 });
  // A private copy (another build may rewrite dist/ meanwhile), inside the repository so koffi resolves.
  const copy = mkdtempSync(join(ARTIFACTS, 'berthd-debootstrap-'));
  for (const f of ['berthd.js', 'init.js']) copyFileSync(join(DIST, f), join(copy, f));
  const socket = join(dir, 'berthd.sock');
  const berthd = spawn('unshare', ['-m', '--propagation', 'private', process.execPath, join(copy, 'berthd.js'),
    '--root', join(dir, 'root'), '--socket', socket, '--audit-log', join(dir, 'audit.log'), '--init-pool', '0', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_STATE: state, FAKE_HOST_NS: readlinkSync('/proc/self/ns/mnt') },
  });
  let err = '';
  berthd.stderr!.on('data', (d) => (err += d));
  const exited = new Promise((r) => berthd.once('exit', r));
  t.after(async () => {
    if (berthd.exitCode === null && berthd.signalCode === null) berthd.kill('SIGKILL');
    await exited;
    for (const f of ['pid', 'sleep']) {
      const pid = Number(readIf(join(state, f)));
      if (pid > 1 && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  });
  const deadline = Date.now() + 5000;
  while (!existsSync(socket)) {
    assert.ok(berthd.exitCode === null && Date.now() < deadline, `berthd did not listen: ${err}`);
    await sleep(10);
  }
  return {
    dir, state, berthd, socket,
    connect: () => BerthClient.connect({ socket, client: 'debootstrap-test' }),
    mounts: () => readFileSync(`/proc/${berthd.pid}/mountinfo`, 'utf8'),
  };
}

export function readIf(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

