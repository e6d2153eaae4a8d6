// A container's status is computed from the live process every time, never
// trusted from a file: the init's pid must still be the process that started
// at the recorded time (pid reuse), and the exec fifo exists until `start`.
import { existsSync } from 'node:fs';
import { isAlive } from '../linux/proc';
import type { State, Status } from '../spec/types';
import { OCI_VERSION } from '../spec/default';
import type { Store, StoredState } from './store';

export function statusOf(store: Store, id: string, st: StoredState | undefined): Status {
  if (!st) return 'creating';
  if (!isAlive(st.pid, st.startTime)) return 'stopped';
  if (existsSync(store.fifo(id))) return 'created';
  return st.paused ? 'paused' : 'running';
}

/** The runtime.md state document; pid is left out once stopped (runc prints 0). */
export function toState(id: string, status: Status, st: StoredState | undefined): State {
  const out: State = { ociVersion: st?.ociVersion ?? OCI_VERSION, id, status, bundle: st?.bundle ?? '' };
  if (st && status !== 'stopped' && status !== 'creating') out.pid = st.pid;
  if (st?.annotations && Object.keys(st.annotations).length) out.annotations = st.annotations;
  return out;
}
