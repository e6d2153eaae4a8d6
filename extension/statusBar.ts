// The status-bar item: whether the extension reaches berthd, and how many
// containers run. Clicking it focuses the Containers view (or reconnects).
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

export function statusBar(ctx: Ctx): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('berth.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Berth';
  let lastReason = '';
  const render = () => {
    const s = ctx.conn.state;
    if (s.kind === 'disconnected') lastReason = s.reason;
    if (s.kind === 'connected') {
      const running = ctx.model.count('running');
      item.text = `$(vm-running) berthd ${running}`;
      item.tooltip = `Connected to berthd ${s.hello.server} on ${ctx.conn.socketPath}: ${running} running of ${ctx.model.size} containers`;
      item.command = 'berth.containers.focus';
      item.backgroundColor = undefined;
    } else if (s.kind === 'connecting' && s.attempt === 1) {
      item.text = '$(sync~spin) berthd';
      item.tooltip = `Connecting to ${ctx.conn.socketPath}`;
      item.command = 'berth.showLog';
      item.backgroundColor = undefined;
    } else {
      // Retries keep the warning up rather than flickering between spinner and warning.
      const reason = s.kind === 'disconnected' ? s.reason : `retry ${s.attempt}`;
      item.text = '$(debug-disconnect) berthd';
      // No socket or nothing listening: berthd is not installed or not started, so the click offers the install.
      const absent = /^(no berthd socket|nothing listens)/.test(lastReason);
      item.tooltip = `Not connected to berthd (${ctx.conn.socketPath}): ${reason}. ${absent ? 'Click to install berthd.' : 'Click to reconnect.'}`;
      item.command = absent ? 'berth.installDaemon' : 'berth.reconnect';
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
    void vscode.commands.executeCommand('setContext', 'berth.connected', s.kind === 'connected');
    void vscode.commands.executeCommand('setContext', 'berth.hasContainers', ctx.model.size > 0);
  };
  render();
  item.show();
  const subs = [ctx.conn.onDidChangeState(render), ctx.model.onDidChange(render)];
  return { dispose: () => [item, ...subs].forEach((d) => d.dispose()) };
}
