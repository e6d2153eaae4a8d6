// The single-threaded step in front of the init for each mix of user, time
// and pid namespaces (helper/runtime/userns.ts): joined namespaces through
// nsenter(1) first, new ones through unshare(1) after it, none at all for a
// new time namespace alone (the init makes it, helper/runtime/timens.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMapText, trampolineFor } from '../../helper/runtime/userns';
import { defaultSpec } from '../../helper/spec/default';
import type { Namespace, Spec } from '../../helper/spec/types';

const MAP = [{ containerID: 0, hostID: 100000, size: 65536 }];

function spec(ns: Namespace[], maps = false): Spec {
  const s = defaultSpec();
  s.linux!.namespaces = [{ type: 'mount' }, ...ns];
  if (maps) s.linux!.uidMappings = s.linux!.gidMappings = MAP;
  return s;
}

test('trampolines: nsenter joins first, unshare makes what is new, the pid namespace goes with the user namespace', () => {
  assert.equal(trampolineFor(spec([{ type: 'pid' }])), undefined);
  assert.equal(trampolineFor(spec([{ type: 'pid' }, { type: 'time' }])), undefined, 'a new time namespace alone: the init makes it');

  const fresh = trampolineFor(spec([{ type: 'pid' }, { type: 'user' }, { type: 'time' }], true))!;
  assert.deepEqual([fresh.command, ...fresh.args], ['/usr/bin/unshare', '--user', '--keep-caps', '--pid', '--fork', '--kill-child', '--']);
  assert.deepEqual([fresh.makesPidNs, fresh.forks, fresh.userNs, fresh.joinedUserNs], [true, true, true, undefined]);

  const joined = trampolineFor(spec([{ type: 'pid' }, { type: 'user', path: '/proc/7/ns/user' }]))!;
  assert.deepEqual([joined.command, ...joined.args], ['/usr/bin/nsenter', '--user=/proc/7/ns/user', '--setuid', '0', '--setgid', '0', '--', '/usr/bin/unshare', '--pid', '--fork', '--kill-child', '--']);
  assert.deepEqual([joined.makesPidNs, joined.forks, joined.userNs, joined.joinedUserNs], [true, true, true, '/proc/7/ns/user']);

  const both = trampolineFor(spec([{ type: 'user', path: '/proc/7/ns/user' }, { type: 'time', path: '/proc/7/ns/time' }]))!;
  assert.deepEqual([both.command, ...both.args], ['/usr/bin/nsenter', '--user=/proc/7/ns/user', '--setuid', '0', '--setgid', '0', '--time=/proc/7/ns/time', '--'], 'no pid namespace: nsenter execs node itself');
  assert.equal(both.forks, false);

  const timeOnly = trampolineFor(spec([{ type: 'pid' }, { type: 'time', path: '/proc/7/ns/time' }]))!;
  assert.deepEqual([timeOnly.command, ...timeOnly.args], ['/usr/bin/nsenter', '--time=/proc/7/ns/time', '--']);
  assert.deepEqual([timeOnly.makesPidNs, timeOnly.userNs], [false, false], 'the parent makes the pid namespace, no user namespace owns it');

  const timeThenUser = trampolineFor(spec([{ type: 'user' }, { type: 'time', path: '/proc/7/ns/time' }], true))!;
  assert.deepEqual([timeThenUser.command, ...timeThenUser.args], ['/usr/bin/nsenter', '--time=/proc/7/ns/time', '--', '/usr/bin/unshare', '--user', '--keep-caps', '--'], 'joined as host root, before the new user namespace takes the privilege away');
});

test('uid_map text round-trips into mappings', () => {
  assert.deepEqual(parseMapText('         0     100000      65536\n      70000          5          1\n'), [MAP[0], { containerID: 70000, hostID: 5, size: 1 }]);
});
