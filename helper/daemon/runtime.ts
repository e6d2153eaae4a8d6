// The seam between berthd and the runtime library: everything berthd does
// to containers goes through this one Runtime object, so a pool of
// pre-started inits (or a test double for unit tests) can be slotted in here.
import type { Runtime } from '../runtime/api';
import { runtime } from '../runtime/runtime';

export function loadRuntime(): Runtime {
  return runtime;
}
