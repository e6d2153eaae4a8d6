// A stand-in for an older berthd: it answers `hello` with another version
// (or refuses the protocol as berthd does), `list` with no containers and
// anything else with an empty result, over berthd's framing. The
// end-to-end test points the extension at it to see the update offer.
import { createServer, type Server, type Socket } from 'node:net';
import { createMessageConnection, ResponseError, SocketMessageReader, SocketMessageWriter } from 'vscode-jsonrpc/node';
import { ErrorCode } from '../../helper/protocol/errors';
import { PROTOCOL_VERSION } from '../../helper/protocol/version';

export async function olderBerthd(socket: string, server: string, protocol = PROTOCOL_VERSION): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const srv: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    const conn = createMessageConnection(new SocketMessageReader(sock), new SocketMessageWriter(sock));
    conn.onRequest((method: string, params: unknown) => {
      if (method === 'hello') {
        const p = params as { protocol: number };
        if (p.protocol !== protocol) throw new ResponseError(ErrorCode.ProtocolMismatch, `protocol ${p.protocol}: this berthd speaks protocol ${protocol}`);
        return { protocol, server, pid: process.pid, root: '/run/berth', peer: { uid: 0, gid: 0, pid: 0, strict: false }, methods: ['hello', 'subscribe', 'list'] };
      }
      if (method === 'list') return { containers: [] };
      return {};
    });
    sock.on('error', () => undefined);
    conn.listen();
  });
  await new Promise<void>((res) => srv.listen(socket, res));
  // Connected clients (the extension keeps one) are cut, or close would wait for them.
  return {
    close: () =>
      new Promise<void>((res) => {
        srv.close(() => res());
        for (const s of sockets) s.destroy();
      }),
  };
}
