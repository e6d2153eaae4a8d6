// Starting the exec stage (dist/exec.js) from node's read-only image
// (spawn.ts), in the host's pid namespace: the stage is never visible inside
// the container; the process it forks is (helper/runtime/exec-sync.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnInit, type SpawnedInit } from './spawn';

export function execScript(): string {
  const candidates = [process.env.BERTH_EXEC, join(__dirname, 'exec.js'), join(__dirname, '../../dist/exec.js')];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(`exec stage not found (looked for ${candidates.filter(Boolean).join(', ')}): run \`npm run build\``);
}

export function spawnExecStage(stdio: [number, number, number], preserveFds: number, consoleSock?: number): SpawnedInit {
  // No V8 helper threads: the stage forks, and a fork copies only the calling thread (a lock a helper held would stay held in the child).
  return spawnInit(undefined, stdio, preserveFds, consoleSock, { script: execScript(), nodeArgs: ['--single-threaded'] });
}
