// Starting the exec stage (dist/exec.js) the way the init is started
// (spawn.ts): born in the container's pid namespace, by switching the main
// thread's pid_for_children to the init's pid namespace around the spawn.
// The stage then has to be non-dumpable before anything else (see
// helper/init/exec-main.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnInit, type SpawnedInit } from './spawn';
import type { Trampoline } from './userns';

export function execScript(): string {
  const candidates = [process.env.BERTH_EXEC, join(__dirname, 'exec.js'), join(__dirname, '../../dist/exec.js')];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(`exec stage not found (looked for ${candidates.filter(Boolean).join(', ')}): run \`npm run build\``);
}

export function spawnExecStage(pidNsPath: string | undefined, stdio: [number, number, number], preserveFds: number, consoleSock?: number, trampoline?: Trampoline): SpawnedInit {
  return spawnInit(pidNsPath ? { type: 'pid', path: pidNsPath } : undefined, stdio, preserveFds, consoleSock, { script: execScript(), trampoline });
}
