// The socket's message framing (LSP-style `Content-Length` headers, what
// vscode-jsonrpc speaks) read with limits. vscode-jsonrpc's own reader
// buffers whatever length a peer announces and drops malformed JSON
// silently; berthd must bound memory and answer every bad message, so
// both sides read through this class. Bodies over the limit are skipped
// without buffering and reported; a broken header cannot be resynchronised,
// so it ends the connection.
import type { Readable } from 'node:stream';
import { AbstractMessageReader, type DataCallback, Disposable, type Message } from 'vscode-jsonrpc';
import { ErrorCode } from './errors';
import { MAX_HEADER_BYTES, MAX_MESSAGE_BYTES } from './version';

/** A message the reader refused; the server answers it with an error response. */
export interface Malformed {
  code: number;
  message: string;
  /** The request id when it could be read, else null. */
  id: string | number | null;
  /** The stream cannot continue; the connection must close after answering. */
  fatal: boolean;
}

export interface ReaderOptions {
  /** `server` accepts only requests (and `$/cancelRequest`); `client` accepts anything well-formed. */
  role: 'server' | 'client';
  maxBody?: number;
  onMalformed: (m: Malformed) => void;
}

const SEPARATOR = Buffer.from('\r\n\r\n');

export class LimitedReader extends AbstractMessageReader {
  private buf: Buffer = Buffer.alloc(0);
  /** Body length expected next, or -1 while reading headers. */
  private want = -1;
  /** Bytes of an oversized body still to throw away. */
  private skip = 0;
  private dead = false;
  private readonly maxBody: number;

  constructor(private readonly stream: Readable, private readonly opts: ReaderOptions) {
    super();
    this.maxBody = opts.maxBody ?? MAX_MESSAGE_BYTES;
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer) => this.feed(chunk, callback);
    const onClose = () => this.fireClose();
    const onError = (e: Error) => this.fireError(e);
    this.stream.on('data', onData);
    this.stream.on('close', onClose);
    this.stream.on('error', onError);
    return Disposable.create(() => {
      this.stream.off('data', onData);
      this.stream.off('close', onClose);
      this.stream.off('error', onError);
    });
  }

  private refuse(m: Malformed): void {
    if (m.fatal) this.dead = true;
    this.opts.onMalformed(m);
  }

  private feed(chunk: Buffer, callback: DataCallback): void {
    if (this.dead) return;
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
    }
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (!this.dead) {
      if (this.want < 0) {
        const end = this.buf.indexOf(SEPARATOR);
        if (end < 0) {
          if (this.buf.length > MAX_HEADER_BYTES) this.refuse({ code: ErrorCode.InvalidRequest, message: `message headers exceed ${MAX_HEADER_BYTES} bytes`, id: null, fatal: true });
          return;
        }
        const length = contentLength(this.buf.subarray(0, end).toString('latin1'));
        this.buf = this.buf.subarray(end + SEPARATOR.length);
        if (length === undefined) {
          this.refuse({ code: ErrorCode.InvalidRequest, message: 'message headers lack a valid Content-Length', id: null, fatal: true });
          return;
        }
        if (length > this.maxBody) {
          this.refuse({ code: ErrorCode.TooLarge, message: `message of ${length} bytes exceeds the limit of ${this.maxBody}`, id: null, fatal: false });
          const n = Math.min(length, this.buf.length);
          this.skip = length - n;
          this.buf = this.buf.subarray(n);
          if (this.skip > 0) return;
          continue;
        }
        this.want = length;
      }
      if (this.buf.length < this.want) return;
      const body = this.buf.subarray(0, this.want);
      this.buf = this.buf.subarray(this.want);
      this.want = -1;
      const msg = this.check(body);
      if (msg) callback(msg);
    }
  }

  /** Parses one body and checks the JSON-RPC envelope; reports and returns undefined when bad. */
  private check(body: Buffer): Message | undefined {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (e) {
      this.refuse({ code: ErrorCode.ParseError, message: `message is not JSON: ${(e as Error).message}`, id: null, fatal: false });
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.refuse({ code: ErrorCode.InvalidRequest, message: Array.isArray(value) ? 'batch requests are not supported' : 'message is not a JSON object', id: null, fatal: false });
      return undefined;
    }
    const m = value as Record<string, unknown>;
    const rawId = m.id;
    const id = typeof rawId === 'string' || (typeof rawId === 'number' && Number.isSafeInteger(rawId)) ? rawId : null;
    const bad = (message: string, code: number = ErrorCode.InvalidRequest) => {
      this.refuse({ code, message, id, fatal: false });
      return undefined;
    };
    if (m.jsonrpc !== '2.0') return bad('/jsonrpc: must be "2.0"');
    if (this.opts.role === 'client') return m as unknown as Message;
    if (typeof m.method !== 'string') return bad('/method: must be a string (berthd accepts only requests)');
    if (m.method.length > 100) return bad('/method: longer than 100 characters', ErrorCode.MethodNotFound);
    if (rawId === undefined) {
      if (m.method === '$/cancelRequest') return m as unknown as Message;
      return bad('/id: notifications are not accepted; send a request with an id');
    }
    if (id === null) return bad('/id: must be a string or an integer');
    if (typeof id === 'string' && id.length > 100) return bad('/id: longer than 100 characters');
    if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params))) {
      return bad('/params: must be an object (named params)', ErrorCode.InvalidParams);
    }
    return m as unknown as Message;
  }
}

function contentLength(headers: string): number | undefined {
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) return undefined;
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const v = line.slice(colon + 1).trim();
    if (!/^\d{1,12}$/.test(v)) return undefined;
    return Number(v);
  }
  return undefined;
}
