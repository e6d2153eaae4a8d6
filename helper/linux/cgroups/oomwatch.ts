// Kernel notifications that the OOM killer may have acted in a cgroup, so
// that `berth events` and berthd report an OOM kill when it happens instead
// of at the next poll. A wake-up is only a hint: the caller re-reads the
// counter (CgroupHandle.oomKills()), which stays the truth about how many
// kills happened (a wake may cover several, or none: cgroup removal wakes too).
//
// v1: memory.oom_control registered through cgroup.event_control with an
//     eventfd; the kernel signals it when the cgroup is under OOM and again
//     when the cgroup is removed. The eventfd is polled by the event loop
//     (helper/linux/eventfd.ts).
// v2: memory.events, whose oom_kill line changes on every kill; the kernel
//     sends an inotify modify event for it (cgroup_file_notify), which
//     fs.watch receives. (Not testable on this host: its cgroup2 hierarchy
//     has no memory controller, see test/cgroups/oomwatch.test.ts.)
import { closeSync, openSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { eventfd, pollableStream } from '../eventfd';
import { CgroupError } from './errors';
import { writeKnob } from './fsio';
import type { SavedCgroup } from './types';

export interface OomWatch {
  /** Which notification the kernel gives: v1 eventfd or v2 inotify. */
  readonly kind: 'eventfd' | 'inotify';
  close(): void;
}

/**
 * Calls `onWake` whenever the kernel signals an OOM event for the cgroup (or
 * its removal). Undefined when the cgroup has no memory controller to watch,
 * matching where oomKills() reads its counter.
 */
export function watchOom(paths: SavedCgroup, onWake: () => void): OomWatch | undefined {
  if (paths.v1.memory) return watchV1(paths.v1.memory, onWake);
  if (paths.mode === 'v2' && paths.unified) return watchV2(paths.unified, onWake);
  return undefined;
}

function watchV1(dir: string, onWake: () => void): OomWatch {
  const efd = eventfd();
  let ofd: number | undefined;
  try {
    const file = join(dir, 'memory.oom_control');
    try {
      ofd = openSync(file, 'r');
    } catch (e) {
      throw new CgroupError(`open ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    writeKnob(dir, 'cgroup.event_control', `${efd} ${ofd}`);
  } catch (e) {
    closeSync(efd);
    throw e;
  } finally {
    // The kernel holds its own reference to the file once registered.
    if (ofd !== undefined) closeSync(ofd);
  }
  const stream = pollableStream(efd, `eventfd for ${dir}/memory.oom_control`);
  stream.on('data', () => onWake());
  stream.on('error', () => undefined); // only EBADF after close; nothing to report
  return {
    kind: 'eventfd',
    close: () => void stream.destroy(),
  };
}

function watchV2(dir: string, onWake: () => void): OomWatch {
  let w: FSWatcher;
  try {
    w = watch(join(dir, 'memory.events'), { persistent: true }, () => onWake());
  } catch (e) {
    throw new CgroupError(`watch ${join(dir, 'memory.events')}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  // The file vanishes with the cgroup: the watcher reports that as an error or a rename.
  w.on('error', () => onWake());
  return { kind: 'inotify', close: () => w.close() };
}
