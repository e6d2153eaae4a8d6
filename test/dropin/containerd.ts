// A containerd of the test's own: root, state, sockets and config under one
// temporary directory, the CRI plugin off, started for the test and stopped
// after it. ctr talks to it in a namespace named after the test process, so
// its cgroups (/<namespace>/<id> in each hierarchy) are the test's alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killProcessesNaming, removeCgroupTree, removeDir } from './cleanup';
import { run, type Ran } from './exec';

export class Containerd {
  readonly dir = mkdtempSync(join(tmpdir(), 'berth-containerd-'));
  readonly namespace = `berth-dropin-${process.pid}`;
  readonly socket = join(this.dir, 'containerd.sock');
  private daemon?: ChildProcess;

  async start(): Promise<void> {
    const d = this.dir;
    writeFileSync(
      join(d, 'config.toml'),
      [
        'version = 2',
        `root = "${d}/root"`,
        `state = "${d}/state"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = "${this.socket}"`,
        '[ttrpc]',
        `  address = "${this.socket}.ttrpc"`,
        '[debug]',
        '  address = ""',
        '[metrics]',
        '  address = ""',
        '',
      ].join('\n'),
    );
    const log = openSync(join(d, 'containerd.log'), 'w');
    this.daemon = spawn('containerd', ['--config', join(d, 'config.toml')], { stdio: ['ignore', log, log] });
    closeSync(log);
    const end = Date.now() + 20_000;
    while (!(existsSync(this.socket) && this.ctr(['version'], 5_000).code === 0)) {
      if (this.daemon.exitCode !== null || Date.now() > end) throw new Error(`containerd did not start (see ${d}/containerd.log)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  ctr(args: string[], timeoutMs = 60_000): Ran {
    return run('ctr', ['--address', this.socket, '--namespace', this.namespace, ...args], { timeoutMs });
  }

  /** Stops containerd, then kills shims left behind, removes the namespace's cgroups and the directory. */
  async stop(): Promise<void> {
    if (this.daemon && this.daemon.exitCode === null) {
      const exited = new Promise((r) => this.daemon!.once('exit', r));
      this.daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (this.daemon.exitCode === null) this.daemon.kill('SIGKILL');
    }
    killProcessesNaming(this.dir);
    removeCgroupTree(this.namespace);
    removeDir(this.dir);
  }
}
