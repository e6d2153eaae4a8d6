// `berth daemon install`: the systemd unit for berthd and the group whose
// members may use its socket. The unit stops berthd alone (KillMode=process):
// containers and their console keepers keep running across a restart or an
// upgrade, and the next berthd adopts them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveGroup } from './group';
import { berthdArgv } from './nodeFlags';

export interface InstallOptions {
  /** Absolute path of dist/berthd.js. */
  script: string;
  /** Node binary that runs it. */
  node: string;
  root: string;
  socket: string;
  group: string;
  unitDir: string;
  /** Extra berthd flags (--strict, --log-format json, --audit-log …). */
  args: string[];
}

export function unitText(o: InstallOptions): string {
  const argv = berthdArgv(o.script, ['--root', o.root, '--socket', o.socket, '--group', o.group, ...o.args]).map(quote).join(' ');
  return `# Written by \`berth daemon install\`. Members of group ${o.group} can use
# ${o.socket}; that membership is root-equivalent, as with the docker group.
[Unit]
Description=Berth container helper (berthd)
After=local-fs.target

[Service]
Type=simple
ExecStart=${quote(o.node)} ${argv}
# Only berthd is stopped: containers and console keepers survive restarts.
KillMode=process
Delegate=yes
Restart=on-failure
RestartSec=1
LimitNOFILE=65536
TasksMax=infinity

[Install]
WantedBy=multi-user.target
`;
}

function quote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** Writes the unit (atomically) and creates the group when missing; returns what it did. */
export function install(o: InstallOptions): string[] {
  const done: string[] = [];
  if (resolveGroup(o.group) === undefined) {
    if (/^\d+$/.test(o.group)) throw new Error(`--group ${o.group}: a numeric gid must already exist`);
    execFileSync('groupadd', ['--system', o.group], { stdio: ['ignore', 'ignore', 'pipe'] });
    done.push(`created group ${o.group}`);
  }
  mkdirSync(o.unitDir, { recursive: true });
  const path = join(o.unitDir, 'berthd.service');
  writeFileSync(`${path}.tmp`, unitText(o), { mode: 0o644 });
  renameSync(`${path}.tmp`, path);
  done.push(`wrote ${path}`);
  return done;
}
