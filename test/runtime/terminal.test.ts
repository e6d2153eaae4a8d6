// process.terminal: the pty master reaches --console-socket (runc's
// protocol) with consoleSize applied and the slave as the process's
// controlling terminal; `berth run` without a socket uses the caller's tty.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, readSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recvFd } from '../../helper/linux/pty';
import { makeBundle } from '../fixtures/bundle';
import { BERTH, ensureBuilt, Runner } from './harness';

const SCRIPT = 'echo "tty=$(tty)"; echo "size=$(stty size)"; echo "sid=$(cut -d" " -f6 /proc/self/stat)"; ls -l /dev/console | cut -c1';

/** Reads the master until the slave side closes (EIO) or `ms` pass. */
function drain(master: number, ms = 5000): string {
  const buf = Buffer.alloc(4096);
  let out = '';
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const n = readSync(master, buf, 0, buf.length, null);
      if (n === 0) break;
      out += buf.subarray(0, n).toString();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      break; // EIO: the last slave fd closed
    }
  }
  return out;
}

describe('terminal', () => {
  let r: Runner;
  before(() => {
    ensureBuilt();
    r = new Runner();
  });
  after(() => r.cleanup());

  test('--console-socket receives the pty master; consoleSize; controlling terminal; /dev/console', async () => {
    const b = makeBundle(['sh', '-c', SCRIPT], (s) => {
      s.process!.terminal = true;
      s.process!.consoleSize = { height: 33, width: 101 };
    });
    const sockPath = join(b.dir, 'console.sock');
    let conn: Socket | undefined;
    const server = createServer({ pauseOnConnect: true }, (c) => (conn = c));
    await new Promise<void>((res) => server.listen(sockPath, res));
    try {
      const x = r.run(['create', '--console-socket', sockPath, '-b', b.dir, 'tty1']);
      assert.equal(x.status, 0, x.stderr);
      await new Promise((res) => setTimeout(res, 50));
      assert.ok(conn, 'berth connected to the console socket');
      const fd = (conn as unknown as { _handle: { fd: number } })._handle.fd;
      let master = -1;
      for (let i = 0; i < 200 && master < 0; i++) {
        try {
          master = recvFd(fd);
        } catch {
          await new Promise((res) => setTimeout(res, 10));
        }
      }
      assert.ok(master >= 0, 'received an fd');
      assert.equal(r.run(['start', 'tty1']).status, 0);
      const out = drain(master).replace(/\r/g, '');
      closeSync(master);
      assert.match(out, /tty=\/dev\/pts\/\d+/);
      assert.match(out, /size=33 101/);
      assert.match(out, /sid=1\n/, 'the process leads its session (setsid + TIOCSCTTY)');
      assert.match(out, /\nc\n/, '/dev/console is the pty slave (a character device)');
    } finally {
      conn?.destroy();
      server.close();
      r.run(['delete', '--force', 'tty1']);
      b.cleanup();
    }
  });

  test('run with terminal and no console socket relays the caller\'s tty', () => {
    const b = makeBundle(['sh', '-c', `${SCRIPT}; exit 5`], (s) => (s.process!.terminal = true));
    try {
      // script(1) gives berth a real terminal as stdin/stdout, like an interactive shell.
      let out = '';
      let status = 0;
      try {
        out = execFileSync('script', ['-qec', `${BERTH} --root ${r.root} run -b ${b.dir} ${r.id('tty2')}`, '/dev/null'], { encoding: 'utf8', timeout: 20000, stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (e) {
        status = (e as { status: number }).status;
        out = (e as { stdout: string }).stdout;
      }
      out = out.replace(/\r/g, '');
      assert.equal(status, 5, out);
      assert.match(out, /tty=\/dev\/pts\/\d+/);
      assert.match(out, /sid=1\n/);
    } finally {
      b.cleanup();
    }
  });
});
