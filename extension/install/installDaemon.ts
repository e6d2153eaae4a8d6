// "Berth: Install berthd…": one command, in an integrated terminal, that
// installs or updates berthd from the runtime this extension carries
// (scripts/install-berthd.sh: copied into a root-owned
// /usr/local/lib/berth/<version>, systemd unit, group). It runs through
// sudo, or pkexec where sudo is not installed, or as it is for root. Before
// that, a modal dialog asks whether to add the user to the group, saying
// that membership is root-equivalent and offering berthd's --strict mode.
// The extension then connects as soon as the socket answers (SocketWatch).
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { inGroupFile, onPath, plan, shellQuote } from './plan';

const ADD = 'Install and add me to the group';
const STRICT = 'Install in strict mode and add me';
const ONLY = 'Install only';
const GO = 'Install';

/** Asks how to install; undefined when cancelled. */
async function ask(user: string, uid: number, group: string, update: string | undefined): Promise<{ addUser?: string; strict?: boolean } | undefined> {
  const what = update ? `${update}. Update berthd?` : 'Install berthd, the root helper that runs containers?';
  const how =
    'A terminal runs one command as root (through sudo): it copies the runtime this extension carries into /usr/local/lib/berth (root-owned; nothing runs as root from the extension\'s folder), ' +
    'installs and starts the berthd systemd unit (containers keep running across an update) and creates the group ' + group + '. Without systemd it prints the command that starts berthd.';
  if (uid === 0 || inGroupFile(user, group) || update) {
    const pick = await vscode.window.showInformationMessage(what, { modal: true, detail: how }, GO);
    return pick === GO ? {} : undefined;
  }
  const detail =
    `${how}\n\nTo use berthd from VS Code as ${user}, you join the group ${group}. That membership is root-equivalent: ` +
    'any program you run can then do what root can (as with the docker group). ' +
    `Strict mode (berthd --strict) limits every non-root member to bundles they own, run in a forced user namespace.\n\n` +
    'Joining applies to new logins: log out and back in afterwards (Remote-SSH: kill the VS Code server on the host and reconnect).';
  const pick = await vscode.window.showWarningMessage(what, { modal: true, detail }, ADD, STRICT, ONLY);
  if (pick === ADD) return { addUser: user, strict: false };
  if (pick === STRICT) return { addUser: user, strict: true };
  if (pick === ONLY) return {};
  return undefined;
}

/** Opens the terminal running the install; `update` is why (an older berthd), for the dialog's words. */
export async function installDaemon(ctx: Ctx, update?: string): Promise<void> {
  const { username: user, uid } = userInfo();
  const script = join(ctx.extension.extensionPath, 'scripts/install-berthd.sh');
  if (!existsSync(script)) {
    void vscode.window.showErrorMessage(`Install berthd: ${script} is missing from the extension; reinstall it.`);
    return;
  }
  const probe = plan(ctx.extension.extensionPath, ctx.conn.socketPath, {});
  const choice = await ask(user, uid, probe.group, update);
  if (!choice) return;
  const p = plan(ctx.extension.extensionPath, ctx.conn.socketPath, choice);
  if (p.elevate === 'pkexec' && !onPath('pkexec')) {
    const copy = 'Copy Command';
    const line = `sh ${p.argv.slice(2).map(shellQuote).join(' ')}`;
    const pick = await vscode.window.showErrorMessage(`Install berthd: neither sudo nor pkexec is installed here. Run this as root: ${line}`, copy);
    if (pick === copy) await vscode.env.clipboard.writeText(line);
    return;
  }
  ctx.log.info(`install berthd: ${p.line}`);
  const term = vscode.window.createTerminal({ name: 'Install berthd', iconPath: new vscode.ThemeIcon('server-process') });
  term.show();
  term.sendText(p.line, true);
  ctx.expectInstall(choice.addUser !== undefined && uid !== 0 ? p.group : undefined);
}
