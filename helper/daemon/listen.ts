// Creates the listening socket with no moment where it is wider than
// 0660 root:group: bind inside a fresh 0700 directory (nobody else can reach
// the inode there), chown and chmod it, then rename it into place. A stale
// socket from a killed berthd is replaced by the rename; the single-instance
// lock has already proved nobody is serving it.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';

export async function listenSocket(path: string, gid: number | undefined, onConnection: (s: Socket) => void): Promise<Server> {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o711 });
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`socket directory ${dir}: not a directory`);
  const tmp = mkdtempSync(join(dir, '.berthd-'));
  try {
    const tmpSock = join(tmp, 'sock');
    const server = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(tmpSock, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chownSync(tmpSock, 0, gid ?? 0);
    chmodSync(tmpSock, gid === undefined ? 0o600 : 0o660);
    renameSync(tmpSock, path);
    return server;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
