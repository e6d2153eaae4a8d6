// The dispatch table: verb name → its module, required only when used so
// a verb pays only for its own code. Other verbs (pause, resume, update,
// events, ps, exec) are added here, one line each.
import type { Verb } from './verb';

export const COMMANDS: Record<string, () => Verb> = {
  spec: () => require('./spec').verb,
  create: () => require('./create').verb,
  start: () => require('./start').verb,
  run: () => require('./run').verb,
  state: () => require('./state').verb,
  list: () => require('./list').verb,
  kill: () => require('./kill').verb,
  delete: () => require('./delete').verb,
  features: () => require('./features').verb,
  exec: () => require('./exec').verb,
  pause: () => require('./pause').verb,
  resume: () => require('./resume').verb,
  update: () => require('./update').verb,
  events: () => require('./events').verb,
  ps: () => require('./ps').verb,
  daemon: () => require('./daemon').verb,
};
