// The bench side of nsSpawner.mjs: starts it once inside
// `unshare --mount --propagation private` with the cgroup2 mount lazily
// unmounted there (never on the host: the namespace's propagation is
// private), and runs calls through it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SpawnResult {
  code: number | null;
  signal: string | null;
  ms: number;
}

export class NsSpawner {
  private next = 0;
  private readonly waiting = new Map<number, (r: SpawnResult) => void>();

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const r = JSON.parse(line) as SpawnResult & { n: number };
      this.waiting.get(r.n)?.(r);
      this.waiting.delete(r.n);
    });
  }

  /** Starts the spawner without /sys/fs/cgroup/unified in its mount namespace. */
  static start(): NsSpawner {
    const script = join(__dirname, 'nsSpawner.mjs');
    const child = spawn(
      'unshare',
      ['--mount', '--propagation', 'private', '--', 'sh', '-c', 'umount -l /sys/fs/cgroup/unified 2>/dev/null || true; exec "$0" "$@"', process.execPath, script],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    return new NsSpawner(child);
  }

  run(req: { bin: string; args: string[]; cwd: string; log: string; env: NodeJS.ProcessEnv }): Promise<SpawnResult> {
    const n = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(n, resolve);
      this.child.stdin!.write(`${JSON.stringify({ n, ...req })}\n`);
    });
  }

  /** Ends the spawner (its stdin closes, its loop empties, it exits). */
  stop(): void {
    this.child.stdin!.end();
  }
}
