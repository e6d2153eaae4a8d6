// `run` on the caller's terminal: a socket pair stands in for the console
// socket; once the init sends the pty master, bytes are relayed between it
// and our stdin/stdout, with our terminal in raw mode and its size copied.
import { closeSync, read, writeSync } from 'node:fs';
import { getWinsize, recvFd, setWinsize, socketPair } from '../linux/pty';

export interface Terminal {
  /** The end handed to the init (via create's consoleFd). */
  remoteFd: number;
  connect(): void;
  drain(): Promise<void>;
  close(): void;
}

export function attachTerminal(): Terminal {
  const [local, remote] = socketPair();
  let master: number | undefined;
  let done: Promise<void> = Promise.resolve();
  const stdin = process.stdin;
  return {
    remoteFd: remote,
    connect() {
      closeSync(remote);
      master = recvFd(local);
      const m = master;
      const size = getWinsize(1);
      if (size) setWinsize(m, size.rows, size.cols);
      process.on('SIGWINCH', () => {
        const s = getWinsize(1);
        if (s) setWinsize(m, s.rows, s.cols);
      });
      if (stdin.isTTY) stdin.setRawMode(true);
      stdin.on('data', (d: Buffer) => {
        try {
          writeSync(m, d);
        } catch {
          // the container side closed
        }
      });
      done = new Promise((resolve) => {
        const buf = Buffer.alloc(65536);
        const loop = () =>
          read(m, buf, 0, buf.length, null, (err, n) => {
            if (err || n === 0) return resolve();
            writeSync(1, buf.subarray(0, n));
            loop();
          });
        loop();
      });
    },
    drain: () => Promise.race([done, new Promise<void>((r) => setTimeout(r, 200))]),
    close() {
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      stdin.destroy();
      try {
        closeSync(local);
      } catch {
        // already closed
      }
    },
  };
}
