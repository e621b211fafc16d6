// A lean HTTP/1.1 keep-alive client for the load generator: up to a fixed number of sockets, one
// request in flight per socket, requests written as prepared text and responses parsed just enough to
// read the status, the body and its length. `node:http`'s client costs the sender several times what
// the server spends on the same request; on a 2-core machine that CPU comes out of the server being
// measured, so the figure would describe the sender. (wrk exists for the same reason; it cannot sign or
// time requests the way this test does.) Only what the exchange sends is understood: Content-Length
// bodies.
//
// A kept-alive connection is one the server may close whenever it has been idle for its timeout, and a
// request written as that close is on its way is lost (a POST may not be sent again: the client cannot
// know it was not applied). So, as undici does, the pool opens a socket only when a request needs one
// and writes at once (a socket held unused is closed by the server's header timeout, with a 408 a
// request sent at that moment would read as its own), and reuses a socket only while the
// `Keep-Alive: timeout=N` of its last response, counted from when that request was sent, has a margin
// left; past it the socket is closed from this side, where nothing can be in flight.

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

/** How long a socket is reused when the server names no keep-alive timeout (undici's default). */
const DEFAULT_KEEP_ALIVE_MS = 4_000;

/**
 * How long after sending a request its socket may carry the next one, for a server keeping it
 * `timeoutMs` idle: the timeout less a margin (up to 1 s) for the time the request takes to reach it.
 * Counting from the send, not the answer, keeps the estimate early whatever delayed the answer.
 */
function reuseWindowMs(timeoutMs: number): number {
  return timeoutMs - Math.min(1_000, timeoutMs / 2);
}

interface ConnectionEvents {
  /** The answer arrived and the socket may carry another request. */
  idle(c: Connection): void;
  /** The socket is gone (closed by either side, or never connected). */
  closed(c: Connection): void;
}

class Connection {
  readonly #socket: Socket;
  readonly #events: ConnectionEvents;
  #inFlight: Pending | undefined;
  #buf: Buffer = Buffer.alloc(0);
  #sentAt = 0;
  #reusableUntil = 0;
  closed = false;

  constructor(host: string, port: number, events: ConnectionEvents) {
    this.#events = events;
    this.#socket = connect(port, host);
    this.#socket.setNoDelay(true);
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (error) => this.#fail(error));
    this.#socket.on('close', () => this.#fail(new Error('connection closed')));
  }

  /** Whether the server will still be keeping this socket open when a request sent now arrives. */
  reusable(now: number): boolean {
    return !this.closed && now < this.#reusableUntil;
  }

  send(p: Pending): void {
    this.#inFlight = p;
    this.#sentAt = performance.now();
    // Written at once, before the connection is even up on a new socket (net queues it), so no
    // socket sits open without a request.
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
      // An answer to no request: the server is ending the connection (its per-address cap). It
      // closes next; nothing more is sent on it.
      this.#fail(new Error('connection ended by the server'));
      return;
    }
    this.#reusableUntil = /\r\nconnection:\s*close/i.test(head)
      ? 0
      : this.#sentAt + reuseWindowMs(keepAliveTimeoutMs(head) ?? DEFAULT_KEEP_ALIVE_MS);
    p.done({ status, body });
    this.#events.idle(this);
  }

  #fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    const p = this.#inFlight;
    this.#inFlight = undefined;
    p?.done(error);
    this.#socket.destroy();
    this.#events.closed(this);
  }
}

function contentLength(head: string): number | undefined {
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  return m === null ? undefined : Number(m[1]);
}

/** The idle timeout a response's `Keep-Alive: timeout=N` header names, in ms. */
function keepAliveTimeoutMs(head: string): number | undefined {
  const m = /\r\nkeep-alive:[^\r]*\btimeout=(\d+)/i.exec(head);
  return m === null ? undefined : Number(m[1]) * 1000;
}

/** Requests queue in arrival order and go out on the first reusable socket, or on a new one. */
export class HttpWirePool {
  readonly #host: string;
  readonly #hostname: string;
  readonly #port: number;
  readonly #max: number;
  readonly #events: ConnectionEvents;
  /** Sockets waiting for a request, the most recently used last (so the rest age out). */
  readonly #idle: Connection[] = [];
  readonly #open = new Set<Connection>();
  readonly #queue: Pending[] = [];
  #queueHead = 0;
  #closing = false;

  constructor(url: URL, connections: number) {
    this.#host = url.host;
    this.#hostname = url.hostname;
    this.#port = Number(url.port || 80);
    this.#max = Math.max(1, connections);
    this.#events = {
      idle: (c) => this.#next(c),
      closed: (c) => {
        this.#open.delete(c);
        if (!this.#closing && this.#queued() && this.#open.size < this.#max)
          this.#openConnection().send(this.#dequeue());
      },
    };
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
      const c =
        this.#takeIdle() ?? (this.#open.size < this.#max ? this.#openConnection() : undefined);
      if (c === undefined) this.#queue.push(p);
      else c.send(p);
    });
  }

  close(): void {
    this.#closing = true;
    for (const c of [...this.#open]) c.destroy();
  }

  #openConnection(): Connection {
    const c = new Connection(this.#hostname, this.#port, this.#events);
    this.#open.add(c);
    return c;
  }

  /** The most recently used socket still safe to send on; the stale ones are closed on the way. */
  #takeIdle(): Connection | undefined {
    const now = performance.now();
    while (this.#idle.length > 0) {
      const c = this.#idle.pop()!;
      if (c.reusable(now)) return c;
      this.#retire(c);
    }
    return undefined;
  }

  #retire(c: Connection): void {
    this.#open.delete(c);
    c.destroy();
  }

  #queued(): boolean {
    return this.#queueHead < this.#queue.length;
  }

  #dequeue(): Pending {
    const p = this.#queue[this.#queueHead]!;
    this.#queue[this.#queueHead++] = undefined as unknown as Pending;
    if (this.#queueHead > 4096 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#queueHead);
      this.#queueHead = 0;
    }
    return p;
  }

  #next(c: Connection): void {
    if (!this.#queued()) {
      this.#idle.push(c);
      return;
    }
    if (c.reusable(performance.now())) {
      c.send(this.#dequeue());
      return;
    }
    this.#retire(c);
    this.#openConnection().send(this.#dequeue());
  }
}
