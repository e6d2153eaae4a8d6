// What a --strict peer's subscriptions carry: the events of its own
// containers only, as `list` shows it only those. Other containers' ids,
// pids and exit statuses are not the member's to see. Ownership is read from
// the container's record; `deleted` is published after the record is gone,
// so each filter remembers what it decided per id (seeded at subscribe time
// with the member's live containers) until that id's `deleted` passes.
import type { Published } from './bus';
import type { Containers } from './containers';

export function ownEventsOnly(containers: Containers, uid: number): (e: Published) => boolean {
  const decided = new Map<string, boolean>(containers.idsOwnedBy(uid).map((id) => [id, true]));
  return (e) => {
    const record = containers.owned(e.id);
    const own = record ? record.owner === uid : (decided.get(e.id) ?? false);
    if (e.type === 'deleted') decided.delete(e.id);
    else if (record) decided.set(e.id, own);
    return own;
  };
}
