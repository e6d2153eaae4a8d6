// The runtime library's entry: the Runtime of api.ts for the CLI and berthd.
import type { Runtime } from './api';
import { create } from './create';
import { config, kill, list, remove, start, state } from './lifecycle';

export const runtime: Runtime = {
  create,
  start,
  state,
  list,
  kill,
  delete: remove,
  config,
};
