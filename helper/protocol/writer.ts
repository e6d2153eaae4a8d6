// The socket's writing side, in the framing LimitedReader reads. It differs
// from vscode-jsonrpc's SocketMessageWriter in one way that matters under a
// flood of console output: that writer awaits the header's write before it
// writes the body, one message at a time, which is two write syscalls per
// message. This one corks the socket for the rest of the event-loop turn, so
// every message written in that turn (a burst of pty reads' output
// notifications) leaves in one writev. Order is the socket's own.
import type { Socket } from 'node:net';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-jsonrpc';

export class CorkingWriter extends AbstractMessageWriter implements MessageWriter {
  private corked = false;
  private errors = 0;

  constructor(private readonly socket: Socket) {
    super();
    socket.on('error', (e: Error) => this.fireError(e));
    socket.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      // setImmediate, not nextTick: libuv hands a readable pty several reads
      // in one poll phase, each its own callback, and they should share a writev.
      setImmediate(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    return new Promise((resolve, reject) => {
      this.socket.write(`Content-Length: ${body.length}\r\n\r\n`, 'ascii');
      this.socket.write(body, (err) => {
        if (!err) return resolve();
        this.fireError(err, msg, ++this.errors);
        reject(err);
      });
    });
  }

  end(): void {
    this.socket.end();
  }
}
