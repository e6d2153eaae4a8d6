// process.terminal for an exec'd process: a new pty from the container's
// devpts (the stage has joined its mount namespace), the master sent to the
// console socket as runc does, the slave made the controlling terminal and
// stdio of a new session. Unlike the init, /dev/console is left alone.
import { closeSync } from 'node:fs';
import { dup2, setsid } from '../linux/exec';
import { openPty, sendFd, setControllingTerminal, setWinsize, type Pty } from '../linux/pty';
import type { Process } from '../spec/types';
import { at } from './errors';

export function execConsole(p: Process, socketFd: number): void {
  at('/process/terminal', () => {
    const pty = openPty('/dev/ptmx');
    if (p.consoleSize) at('/process/consoleSize', () => setWinsize(pty.slave, p.consoleSize!.height, p.consoleSize!.width));
    becomeTerminal(pty, socketFd);
  });
}

/** Sends the master to the console socket, then makes the slave this process's controlling terminal and stdio. */
export function becomeTerminal(pty: Pty, socketFd: number): void {
  sendFd(socketFd, pty.master, pty.name);
  closeSync(pty.master);
  closeSync(socketFd);
  setsid();
  setControllingTerminal(pty.slave);
  for (const fd of [0, 1, 2]) dup2(pty.slave, fd);
  closeSync(pty.slave);
}
