// The containers model and how a container looks in the tree, without VS
// Code: events applied in order, unknown ids asking for a fetch, and the
// description/icon/contextValue/tooltip the view shows for each state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerInfo } from '../../helper/protocol/types';
import { ContainersModel } from '../../extension/containers/model';
import { contextValue, description, groupOf, look, tooltipMarkdown, uptime } from '../../extension/containers/present';

function info(id: string, over: Partial<ContainerInfo> = {}): ContainerInfo {
  return { ociVersion: '1.3.0', id, status: 'created', bundle: `/b/${id}`, pid: 100, terminal: true, owner: 'berthd', created: '2026-01-01T00:00:00Z', ...over };
}

const ev = (type: 'created' | 'started' | 'exited' | 'paused' | 'resumed' | 'deleted' | 'oom', id: string, extra: object = {}) => ({ subscription: 's', type, id, time: '2026-01-01T00:00:01Z', ...extra });

test('model: a full list, then lifecycle events change status, pid and exit', () => {
  const m = new ContainersModel();
  const changes: (string[] | undefined)[] = [];
  m.onDidChange((c) => changes.push(c.ids));
  m.reset([info('a'), info('b', { status: 'running' })]);
  assert.equal(m.size, 2);
  assert.equal(m.apply(ev('started', 'a', { pid: 4242 })), false);
  assert.equal(m.get('a')?.status, 'running');
  assert.equal(m.get('a')?.pid, 4242);
  m.apply(ev('paused', 'a'));
  assert.equal(m.get('a')?.status, 'paused');
  m.apply(ev('resumed', 'a'));
  assert.equal(m.count('running'), 2);
  m.apply(ev('exited', 'a', { exitStatus: { code: 3, signal: null, at: 'x' } }));
  assert.equal(m.get('a')?.status, 'stopped');
  assert.equal(m.get('a')?.exitStatus?.code, 3);
  m.apply(ev('oom', 'b'));
  assert.ok(m.wasOomKilled('b'));
  m.apply(ev('deleted', 'a'));
  assert.equal(m.get('a'), undefined);
  assert.deepEqual(changes, [undefined, ['a'], ['a'], ['a'], ['a'], ['b'], ['a']]);
});

test('model: an event for an unknown container asks for its state; upsert adds it', () => {
  const m = new ContainersModel();
  assert.equal(m.apply(ev('created', 'cli-made')), true);
  assert.equal(m.size, 0);
  m.upsert(info('cli-made', { owner: 'external' }));
  assert.equal(m.get('cli-made')?.owner, 'external');
  assert.equal(m.apply(ev('deleted', 'never-seen')), false, 'deleting an unknown id needs no fetch');
});

test('model: newest first, then by id; clear() empties it', () => {
  const m = new ContainersModel();
  m.reset([info('old', { created: '2026-01-01T00:00:00Z' }), info('new', { created: '2026-02-01T00:00:00Z' }), info('mid', { created: undefined })]);
  assert.deepEqual(m.all().map((c) => c.id), ['new', 'old', 'mid']);
  m.clear();
  assert.equal(m.size, 0);
});

test('present: description by status, with pid, uptime and exit', () => {
  const now = Date.parse('2026-01-01T01:02:03Z');
  assert.equal(description(info('a', { status: 'running', pid: 7 }), now), 'running · pid 7 · 1h 2m');
  assert.equal(description(info('a', { status: 'created', pid: 7 })), 'created · pid 7');
  assert.equal(description(info('a', { status: 'stopped', exitStatus: { code: 0, signal: null, at: 'x' } })), 'stopped · exit 0');
  assert.equal(description(info('a', { status: 'stopped', exitStatus: { code: null, signal: 'SIGKILL', at: 'x' } })), 'stopped · killed by SIGKILL');
  assert.equal(uptime(0, 59_000), '59s');
  assert.equal(uptime(0, 3 * 86400_000 + 3600_000), '3d 1h');
});

test('present: icon and colour per state, failure stands out', () => {
  assert.equal(look(info('a', { status: 'running' })).icon, 'vm-running');
  assert.equal(look(info('a', { status: 'paused' })).icon, 'debug-pause');
  assert.equal(look(info('a', { status: 'stopped', exitStatus: { code: 0, signal: null, at: 'x' } })).icon, 'vm-outline');
  assert.deepEqual(look(info('a', { status: 'stopped', exitStatus: { code: 1, signal: null, at: 'x' } })), { icon: 'error', color: 'testing.iconFailed' });
});

test('present: contextValue matches the package.json menu patterns', () => {
  const cv = contextValue(info('a', { status: 'running' }));
  assert.equal(cv, 'container:running:tty:berthd');
  assert.match(cv, /^container:(running|paused|created)\b/);
  assert.doesNotMatch(contextValue(info('a', { status: 'stopped' })), /^container:(running|paused|created)\b/);
});

test('present: tooltip lists bundle, pid, namespaces, cgroup and exit; pipes escaped', () => {
  const md = tooltipMarkdown(info('a', { status: 'stopped', bundle: '/b/x|y', exitStatus: { code: 2, signal: null, at: 'T' } }), { namespaces: ['mnt', 'pid'], cgroup: '/berth/a' });
  assert.match(md, /^\*\*a\*\*/);
  assert.match(md, /\| bundle \| `\/b\/x\\\|y` \|/);
  assert.match(md, /\| namespaces \| mnt, pid \|/);
  assert.match(md, /\| cgroup \| `\/berth\/a` \|/);
  assert.match(md, /\| exit \| exit 2 at T \|/);
});

test('present: grouping keys', () => {
  const c = info('a', { status: 'paused' });
  assert.equal(groupOf(c, 'none'), undefined);
  assert.equal(groupOf(c, 'bundle'), '/b/a');
  assert.equal(groupOf(c, 'status'), 'paused');
});
