// linux.netDevices: a veth end made for the test is moved into the
// container's network namespace under a new name, seen there in
// /proc/net/dev and gone from the host; when the container is deleted its
// namespace dies and the kernel destroys the pair. A missing device is
// refused before anything is created.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ipBinary } from '../../helper/linux/netdev';
import { makeBundle } from '../fixtures/bundle';
import { ensureBuilt, Runner, until } from '../runtime/harness';

const IP = ipBinary();
// Interface names are 15 characters at most: bnd + pid (up to 7 digits) + a/b.
const HOST_END = `bnd${process.pid}a`;
const PEER_END = `bnd${process.pid}b`;

let r: Runner;
before(() => {
  ensureBuilt();
  r = new Runner();
});
after(() => {
  r.cleanup();
  // Whatever a failure left on the host.
  for (const dev of [HOST_END, PEER_END]) if (IP && existsSync(`/sys/class/net/${dev}`)) spawnSync(IP, ['link', 'del', dev]);
});

test(IP ? 'a host veth end is moved into the container, renamed, and destroyed with it' : 'netDevices: iproute2 is not installed, cannot make a veth pair', { skip: !IP }, async () => {
  execFileSync(IP!, ['link', 'add', HOST_END, 'type', 'veth', 'peer', 'name', PEER_END]);
  const b = makeBundle(['sh', '-c', 'cut -d: -f1 /proc/net/dev | tr -d " " | grep -v "|"'], (s) => {
    s.linux!.netDevices = { [HOST_END]: { name: 'eth7' } };
  });
  try {
    const res = r.run(['run', '-b', b.dir, 'netdev']);
    assert.equal(res.status, 0, res.stderr);
    const inside = res.stdout.trim().split('\n').sort();
    assert.deepEqual(inside, ['eth7', 'lo']);
    // `run` deleted the container: its namespace is gone, and with it the veth pair.
    await until(() => !existsSync(`/sys/class/net/${PEER_END}`) && !existsSync(`/sys/class/net/${HOST_END}`), 5000, 'the veth pair to disappear');
  } finally {
    b.cleanup();
  }
});

test('a network device missing on the host is refused with its pointer, nothing created', (t) => {
  const b = makeBundle(['true'], (s) => {
    s.linux!.netDevices = { 'nosuchdev0': {} };
  });
  t.after(() => b.cleanup());
  const res = r.run(['create', '-b', b.dir, 'nodev']);
  assert.notEqual(res.status, 0);
  assert.match(res.stderr, /\/linux\/netDevices\/nosuchdev0: network device `nosuchdev0` does not exist on this host/);
  assert.deepEqual(readdirSync(r.root).filter((d) => d !== '.locks'), []);
});

test('netDevices without a network namespace of the container\'s own is refused', (t) => {
  const b = makeBundle(['true'], (s) => {
    s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'network');
    s.linux!.netDevices = { lo: { name: 'lo2' } };
  });
  t.after(() => b.cleanup());
  const res = r.run(['create', '-b', b.dir, 'nonet']);
  assert.notEqual(res.status, 0);
  assert.match(res.stderr, /\/linux\/netDevices: moving network devices needs a network namespace/);
});
