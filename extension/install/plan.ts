// The command line "Berth: Install berthd…" runs, built without `vscode`
// so the unit tests check it: the script in this extension's folder, the
// user's choice, the socket setting, sudo or pkexec or nothing (root).
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DEFAULT_GROUP, DEFAULT_SOCKET } from '../../helper/protocol/version';

/** Where the runtime goes unless BERTH_INSTALL_PREFIX says otherwise (the end-to-end test does). */
export const DEFAULT_PREFIX = '/usr/local/lib/berth';

export interface InstallPlan {
  /** The argv the terminal runs (sudo/pkexec first, unless root). */
  argv: string[];
  /** The same, quoted for a POSIX shell. */
  line: string;
  group: string;
  elevate: 'none' | 'sudo' | 'pkexec';
}

/** Where `name` is on PATH (or whether the absolute path `name` exists). */
export function onPath(name: string, absolute = false): string | undefined {
  if (absolute) return existsSync(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Whether `user` is in `group` by /etc/group (the running process may predate joining it). */
export function inGroupFile(user: string, group: string, etcGroup = '/etc/group'): boolean {
  try {
    for (const line of readFileSync(etcGroup, 'utf8').split('\n')) {
      const [name, , , members] = line.split(':');
      if (name === group) return (members ?? '').split(',').includes(user);
    }
  } catch {
    // no /etc/group: not a member as far as we can tell
  }
  return false;
}

/** The command line for this extension folder, user and choice. Test overrides: BERTH_INSTALL_{PREFIX,UNIT_DIR,ROOT,GROUP}. */
export function plan(
  extensionPath: string,
  socket: string,
  choice: { addUser?: string; strict?: boolean },
  { env = process.env, uid = process.getuid?.() ?? 0, has = onPath }: { env?: NodeJS.ProcessEnv; uid?: number; has?: (cmd: string, absolute?: boolean) => string | undefined } = {},
): InstallPlan {
  const group = env.BERTH_INSTALL_GROUP || DEFAULT_GROUP;
  const args = [join(extensionPath, 'scripts/install-berthd.sh')];
  if (choice.addUser) args.push('--user', choice.addUser);
  if (choice.strict === true) args.push('--strict');
  if (choice.strict === false) args.push('--no-strict');
  if (socket !== DEFAULT_SOCKET) args.push('--socket', socket);
  if (env.BERTH_INSTALL_GROUP) args.push('--group', group);
  if (env.BERTH_INSTALL_ROOT) args.push('--root', env.BERTH_INSTALL_ROOT);
  if (env.BERTH_INSTALL_PREFIX) args.push('--prefix', env.BERTH_INSTALL_PREFIX, '--no-link');
  if (env.BERTH_INSTALL_UNIT_DIR) args.push('--unit-dir', env.BERTH_INSTALL_UNIT_DIR);
  // When the extension host is a plain Node >= 20 (Remote-SSH, WSL, code-server; not Electron),
  // the script may copy it for a host that has no system Node.
  // Passed only when the usual system places hold no node (the script checks root's PATH too).
  if (!process.versions.electron && Number(process.versions.node.split('.')[0]) >= 20 && !['/usr/bin/node', '/usr/local/bin/node'].some((n) => has(n, true))) args.push('--node', process.execPath);
  let elevate: InstallPlan['elevate'] = 'none';
  let argv = ['sh', ...args];
  if (uid !== 0) {
    if (has('sudo')) {
      elevate = 'sudo';
      argv = ['sudo', 'sh', ...args];
    } else {
      // pkexec resets PATH and asks through polkit's agent (graphical, or pkttyagent in this terminal).
      elevate = 'pkexec';
      argv = ['pkexec', '/bin/sh', ...args];
    }
  }
  return { argv, line: argv.map(shellQuote).join(' '), group, elevate };
}
