// process.terminal: a pty from the container's own devpts, its slave bound
// onto /dev/console and made the controlling terminal and stdio, its master
// sent to the console socket (runc's protocol) and closed here.
import { closeSync, openSync } from 'node:fs';
import * as C from '../linux/constants';
import { fdPath, touchInRoot } from '../linux/inroot';
import { mount } from '../linux/mount';
import { openPty, setWinsize } from '../linux/pty';
import type { Spec } from '../spec/types';
import { at } from './errors';
import { becomeTerminal } from './exec-console';

export function setupConsole(spec: Spec, socketFd: number): void {
  at('/process/terminal', () => {
    const pty = openPty('/dev/ptmx');
    const size = spec.process?.consoleSize;
    if (size) at('/process/consoleSize', () => setWinsize(pty.slave, size.height, size.width));
    const root = openSync('/', C.O_PATH | C.O_DIRECTORY | C.O_CLOEXEC);
    const dst = touchInRoot(root, '/dev/console', 0o600);
    try {
      mount(pty.name, fdPath(dst), null, C.MS_BIND, null, '/dev/console');
    } finally {
      closeSync(dst);
      closeSync(root);
    }
    becomeTerminal(pty, socketFd);
  });
}
