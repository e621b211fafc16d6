// A lean HTTP/1.1 keep-alive client for the load generator: a fixed pool of sockets, one request in
// flight per socket, requests written as prepared text and responses parsed just enough to read the
// status, the body and its length. `node:http`'s client costs the sender several times what the server
// spends on the same request; on a 2-core machine that CPU comes out of the server being measured, so
// the figure would describe the sender. (wrk exists for the same reason; it cannot sign or time
// requests the way this test does.) Only what the exchange sends is understood: Content-Length bodies.

import { connect, type Socket } from 'node:net';

export interface WireResponse {
  readonly status: number;
  readonly body: Buffer;
}

interface Pending {
  readonly head: string;
  readonly body: string;
  readonly done: (response: WireResponse | Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

class Connection {
  readonly #socket: Socket;
  readonly #onIdle: (c: Connection) => void;
  #inFlight: Pending | undefined;
  #buf: Buffer = Buffer.alloc(0);
  closed = false;

  constructor(host: string, port: number, onIdle: (c: Connection) => void) {
    this.#onIdle = onIdle;
    this.#socket = connect(port, host);
    this.#socket.setNoDelay(true);
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (error) => this.#fail(error));
    this.#socket.on('close', () => this.#fail(new Error('connection closed')));
  }

  send(p: Pending): void {
    this.#inFlight = p;
    this.#socket.write(p.head + p.body);
  }

  destroy(): void {
    this.closed = true;
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const end = this.#buf.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.#buf.toString('latin1', 0, end);
    const length = contentLength(head);
    const bodyStart = end + HEADER_END.length;
    if (length === undefined) {
      this.#fail(new Error('response without content-length'));
      return;
    }
    if (this.#buf.length < bodyStart + length) return;
    const status = Number(head.slice(9, 12));
    const body = this.#buf.subarray(bodyStart, bodyStart + length);
    this.#buf = this.#buf.subarray(bodyStart + length);
    const p = this.#inFlight;
    this.#inFlight = undefined;
    if (p === undefined) {
      // An answer to no request: the server is ending a connection this pool never used (its
      // header timeout, or its per-address cap). It closes next; nothing more is sent on it.
      this.#fail(new Error('connection ended by the server'));
      return;
    }
    p.done({ status, body });
    this.#onIdle(this);
  }

  #fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    const p = this.#inFlight;
    this.#inFlight = undefined;
    p?.done(error);
    this.#socket.destroy();
  }
}

function contentLength(head: string): number | undefined {
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  return m === null ? undefined : Number(m[1]);
}

/** Requests queue in arrival order and go out on the first idle socket. */
export class HttpWirePool {
  readonly #host: string;
  readonly #idle: Connection[] = [];
  readonly #all: Connection[] = [];
  readonly #queue: Pending[] = [];
  #queueHead = 0;

  constructor(url: URL, connections: number) {
    this.#host = url.host;
    const port = Number(url.port || 80);
    for (let i = 0; i < connections; i++) {
      const c = new Connection(url.hostname, port, (idle) => this.#next(idle));
      this.#all.push(c);
      this.#idle.push(c);
    }
  }

  /** Sends a request with a JSON body; `headers` must not include host or content-length. */
  post(path: string, headers: Record<string, string>, body: string): Promise<WireResponse> {
    let head = `POST ${path} HTTP/1.1\r\nhost: ${this.#host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
    for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
    head += '\r\n';
    return new Promise((resolve, reject) => {
      const p: Pending = {
        head,
        body,
        done: (r) => (r instanceof Error ? reject(r) : resolve(r)),
      };
      const c = this.#takeIdle();
      if (c === undefined) this.#queue.push(p);
      else c.send(p);
    });
  }

  close(): void {
    for (const c of this.#all) c.destroy();
  }

  #takeIdle(): Connection | undefined {
    while (this.#idle.length > 0) {
      const c = this.#idle.pop()!;
      if (!c.closed) return c;
    }
    return undefined;
  }

  #next(c: Connection): void {
    if (this.#queueHead < this.#queue.length) {
      const p = this.#queue[this.#queueHead]!;
      this.#queue[this.#queueHead++] = undefined as unknown as Pending;
      if (this.#queueHead > 4096 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#queueHead);
        this.#queueHead = 0;
      }
      c.send(p);
    } else {
      this.#idle.push(c);
    }
  }
}
