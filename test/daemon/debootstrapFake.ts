// A berthd whose PATH starts with a fake `debootstrap`, for the bundle job
// tests of the daemon and of the extension's client. The fake prints the
// lines a real run prints (from a bookworm minbase run on this machine),
// mounts a tmpfs where debootstrap mounts proc, and by suite sleeps
// (`fakeslow`), fails (`fakefail`) or succeeds. berthd runs under
// `unshare -m --propagation private`, so the fake's mount lives in berthd's
// private mount namespace and never in the host's; the fake checks that
// before mounting. With `restartable`, berthd runs in a mount namespace held
// by a `sleep` of the fixture's own, so a second berthd after a SIGKILL sees
// the mounts the first one's job left (as it would in the host's).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { BerthClient } from '../../helper/protocol/client';
import { isAlive } from '../../helper/linux/proc';
import { copyRuntime, makeDir, requireBuild, sleep } from './harness';

const ARTIFACTS = resolve(__dirname, '../../test-artifacts');

/** The fake: suite `fakeslow` sleeps after Configuring, `fakefail` fails like a missing package, others succeed. */
const FAKE = `#!/bin/sh
variant=$1 suite=$2 target=$3 mirror=$4
echo $$ > "$FAKE_STATE/pid"
# Per bundle too (its directory's name), for tests that run several jobs at once.
b=$(basename "$(dirname "$target")")
echo $$ > "$FAKE_STATE/pid.$b"
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
  mount -t tmpfs fakeproc "$target/proc" && echo "$target/proc" > "$FAKE_STATE/mounted" && echo "$target/proc" > "$FAKE_STATE/mounted.$b"
fi
say Installing core packages...
say Unpacking required packages...
for p in base-files dash libc6; do say Unpacking $p...; done
say Configuring required packages...
for p in base-files dash libc6; do say Configuring $p...; done
case $suite in
  # The first sleep is orphaned at once (its subshell exits), as a dpkg whose parent died would be.
  fakeslow) (sleep 60 & echo $! > "$FAKE_STATE/sleep.$b"; echo $! > "$FAKE_STATE/sleep"); sleep 60 & wait; exit 0;;
  fakefail) echo "E: Couldn't find these debs: libfake1" >&2; exit 1;;
esac
[ -f "$FAKE_STATE/mounted" ] && umount "$target/proc"
say Base system installed successfully.
`;

export interface Fixture {
  dir: string;
  socket: string;
  state: string;
  /** The berthd running now (restart() replaces it). */
  berthd: ChildProcess;
  root: string;
  connect(): Promise<BerthClient>;
  /** berthd's mountinfo. */
  mounts(): string;
  /** What the current berthd wrote on stderr. */
  stderr(): string;
  /** Only with `restartable`: starts another berthd (the last one must have exited) in the same mount namespace; resolves once it listens. */
  restart(): Promise<void>;
}

export interface FixtureOptions {
  restartable?: boolean;
}

export async function startWithFakeDebootstrap(t: TestContext, extra: string[] = [], opts: FixtureOptions = {}): Promise<Fixture> {
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
  copyRuntime(copy);
  const socket = join(dir, 'berthd.sock');
  const root = join(dir, 'root');
  const argv = [process.execPath, join(copy, 'berthd.js'), '--root', root, '--socket', socket, '--audit-log', join(dir, 'audit.log'), '--init-pool', '0', ...extra];
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_STATE: state, FAKE_HOST_NS: readlinkSync('/proc/self/ns/mnt') };
  // The holder of the shared mount namespace: ended by pid in t.after, which takes the namespace (and any mount left in it) along.
  const holder = opts.restartable ? spawn('unshare', ['-m', '--propagation', 'private', 'sleep', 'infinity'], { stdio: 'ignore' }) : undefined;
  const started: { child: ChildProcess; exited: Promise<unknown> }[] = [];
  t.after(async () => {
    for (const b of started) {
      if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
      await b.exited;
    }
    // Every process of this fixture's fakes (their environment names this state dir; a reused pid's does not), orphans included.
    for (let round = 0; round < 50; round++) {
      const left = fakeProcesses(state);
      if (left.length === 0) break;
      for (const pid of left) signal(pid);
      await sleep(20);
    }
    if (holder?.pid && holder.exitCode === null) {
      const gone = new Promise((r) => holder.once('exit', r));
      holder.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  });
  let nsArgv: string[] = [];
  if (holder) {
    const ours = readlinkSync('/proc/self/ns/mnt');
    const deadline = Date.now() + 5000;
    // unshare(1) execs sleep once its namespace is made: wait for that before entering it.
    while (readIf(`/proc/${holder.pid}/ns/mnt`, readlinkSync) === ours || readIf(`/proc/${holder.pid}/comm`) !== 'sleep') {
      assert.ok(holder.exitCode === null && Date.now() < deadline, 'the mount namespace holder did not start');
      await sleep(10);
    }
    nsArgv = ['nsenter', '-t', String(holder.pid), '-m', '--'];
  }
  let err = '';
  const launch = async (): Promise<ChildProcess> => {
    rmSync(socket, { force: true }); // a killed berthd's socket stays; wait for the new one
    err = '';
    const [cmd, ...args] = holder ? [...nsArgv, ...argv] : ['unshare', '-m', '--propagation', 'private', ...argv];
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    child.stderr!.on('data', (d) => (err += d));
    started.push({ child, exited: new Promise((r) => child.once('exit', r)) });
    const deadline = Date.now() + 5000;
    while (!existsSync(socket)) {
      assert.ok(child.exitCode === null && Date.now() < deadline, `berthd did not listen: ${err}`);
      await sleep(10);
    }
    return child;
  };
  const f: Fixture = {
    dir, state, root, socket,
    berthd: await launch(),
    connect: () => BerthClient.connect({ socket, client: 'debootstrap-test' }),
    mounts: () => readFileSync(`/proc/${f.berthd.pid}/mountinfo`, 'utf8'),
    stderr: () => err,
    async restart() {
      assert.ok(holder, 'restart() needs a fixture started with restartable: true');
      assert.ok(f.berthd.exitCode !== null || f.berthd.signalCode !== null, 'the previous berthd is still running');
      f.berthd = await launch();
    },
  };
  return f;
}

function fakeProcesses(state: string): number[] {
  const mark = `FAKE_STATE=${state}`;
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n) && isAlive(Number(n)) && readIf(`/proc/${n}/environ`).split('\0').includes(mark)).map(Number);
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

export function readIf(path: string, read: (p: string, enc: 'utf8') => string = readFileSync): string {
  try {
    return read(path, 'utf8').trim();
  } catch {
    return '';
  }
}

