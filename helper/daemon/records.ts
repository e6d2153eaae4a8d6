// What berthd remembers about the containers it created, beside the
// runtime's own state: the journal intent (a create or delete in flight,
// so a restart after kill -9 can finish or undo it), the exit status it
// saw as the parent, the console keeper, and the output log. One directory
// per container under <root>/berthd@/containers; `@` cannot appear in a
// container id, so the runtime never mistakes it for a container.
// Every write is write-temp-then-rename: a kill -9 leaves the old or the new
// file, never half of one.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExitStatus } from '../protocol/types';
import type { KeeperRef } from './keeper';

export const DATA_DIR_NAME = 'berthd@';

export interface ContainerRecord {
  id: string;
  created: string;
  terminal: boolean;
  /** uid of the peer that created it: a --strict peer may act only on its own (absent in older records: root's). */
  owner?: number;
  /** Set before a create or delete starts, cleared when it finished. */
  intent?: 'create' | 'delete';
  /** Init pid and its start time, to tell it from a reused pid after a restart. */
  pid?: number;
  pidStart?: string;
  keeper?: KeeperRef;
  /**
   * Identity of <root>/<id> as this container's create claimed it
   * (CreateOptions.onReserved), saved the moment it did. Undoing a create
   * (after a failure, or at start-up after a kill -9) touches the runtime's
   * side only while the directory is still that one; without it the create
   * claimed nothing (it lost the id to someone else, or never got that far).
   */
  stateDir?: string;
  /** config.json left linux.cgroupsPath unset: the cgroup is named for the id and is this container's alone. */
  defaultCgroup?: boolean;
  exitStatus?: ExitStatus;
  /** Why exitStatus has code and signal null, and when the exit happened as far as berthd can tell. */
  exitNote?: string;
}

export class Records {
  readonly dir: string;

  constructor(readonly dataDir: string) {
    this.dir = join(dataDir, 'containers');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  containerDir(id: string): string {
    return join(this.dir, id);
  }

  logPath(id: string): string {
    return join(this.dir, id, 'output.log');
  }

  /** The console's scrollback (scrollbackFile.ts), kept across berthd restarts. */
  scrollbackPath(id: string): string {
    return join(this.dir, id, 'console.scrollback');
  }

  consoleSocket(id: string): string {
    return join(this.dir, id, 'console.sock');
  }

  save(r: ContainerRecord): void {
    const dir = this.containerDir(r.id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `record.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(r));
    renameSync(tmp, join(dir, 'record.json'));
  }

  load(id: string): ContainerRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(this.containerDir(id), 'record.json'), 'utf8')) as ContainerRecord;
    } catch {
      return undefined;
    }
  }

  ids(): string[] {
    return readdirSync(this.dir);
  }

  remove(id: string): void {
    rmSync(this.containerDir(id), { recursive: true, force: true });
  }
}
