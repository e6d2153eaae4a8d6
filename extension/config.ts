// The extension's settings (package.json contributes.configuration), read
// in one place with their types and defaults.
import * as vscode from 'vscode';
import { DEFAULT_SOCKET } from '../helper/protocol/version';
import type { GroupBy } from './containers/present';

export interface Settings {
  socketPath: string;
  defaultSignal: string;
  attachOnRun: boolean;
  logLines: number;
  confirmDelete: boolean;
  groupBy: GroupBy;
}

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('berth');
  return {
    socketPath: c.get<string>('socketPath') || DEFAULT_SOCKET,
    defaultSignal: c.get<string>('kill.defaultSignal') || 'SIGTERM',
    attachOnRun: c.get<boolean>('run.attach') ?? true,
    logLines: c.get<number>('logs.lines') ?? 200,
    confirmDelete: c.get<boolean>('delete.confirm') ?? true,
    groupBy: c.get<GroupBy>('containers.groupBy') ?? 'none',
  };
}
