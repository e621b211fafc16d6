// Bounds on what a client that never finishes a request can hold: how long its headers, its whole
// request and an idle kept-alive connection may take, and how many HTTP connections one address may
// keep open at once. Whatever the reason a connection is ended here, the client gets an answer (408,
// 400, 429) with the error catalogue's body before it is closed; and no connection is ended for being
// idle while a request that arrived in time waits unread in it (see `closeIfStillIdle`).

import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError, type ApiErrorCode } from '../error-catalogue.ts';

export interface HttpLimits {
  /** A request's headers must all arrive within this long of its first byte (or of the connection). */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this long (≥ headersTimeoutMs). */
  readonly requestTimeoutMs: number;
  /** A kept-alive connection with no request in progress is closed after this long. */
  readonly idleTimeoutMs: number;
  /**
   * HTTP connections one client address may hold open at once; the next one is answered 429 and
   * closed. 0 turns the cap off (behind a proxy every client shares the proxy's address). A socket
   * leaves the count once it is upgraded to a WebSocket, which the heartbeat and the slow-consumer
   * bounds look after.
   */
  readonly maxConnectionsPerAddress: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 5_000,
  maxConnectionsPerAddress: 512,
};

/** Rejects limits Node would refuse (or silently ignore) with a message naming the field. */
export function checkHttpLimits(l: HttpLimits): HttpLimits {
  for (const [name, v] of Object.entries(l)) {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`http.${name} must be an integer ≥ 0`);
  }
  if (l.headersTimeoutMs < 1 || l.requestTimeoutMs < 1 || l.idleTimeoutMs < 1)
    throw new Error('http timeouts must be at least 1 ms');
  if (l.requestTimeoutMs < l.headersTimeoutMs)
    throw new Error('http.requestTimeoutMs must be ≥ http.headersTimeoutMs');
  return l;
}

/** The `node:http` server options that enforce the timeouts. */
export function serverOptions(l: HttpLimits): ServerOptions {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.idleTimeoutMs,
    // Node checks the two request timeouts on this interval (30 s by default), so a timeout would
    // otherwise be overrun by up to that much.
    connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(l.headersTimeoutMs / 4))),
  };
}

/** The raw HTTP/1.1 answer for an error on a socket no `ServerResponse` will answer. */
export function rawErrorResponse(code: ApiErrorCode, retryAfterSeconds?: number): string {
  const error = new ApiError(code);
  const body = JSON.stringify(error.body());
  const retry = retryAfterSeconds === undefined ? '' : `Retry-After: ${retryAfterSeconds}\r\n`;
  return (
    `HTTP/1.1 ${error.status} ${code}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n${retry}Connection: close\r\n\r\n${body}`
  );
}

export interface ConnectionCounters {
  /** Connections refused because their address held its cap. */
  httpConnectionsRefused: number;
  /** Requests answered 408 because their headers or body did not arrive in time. */
  httpRequestTimeouts: number;
}

/**
 * Installs the per-address cap and the answers to requests Node gives up on. Returns `release`, which
 * takes a socket out of the count (called when it becomes a WebSocket).
 */
export function installConnectionLimits(
  server: Server,
  l: HttpLimits,
  counters: ConnectionCounters,
): { release(socket: Duplex): void } {
  const byAddress = new Map<string, number>();
  const counted = new WeakMap<Duplex, string>();
  const release = (socket: Duplex): void => {
    const address = counted.get(socket);
    if (address === undefined) return;
    counted.delete(socket);
    const n = (byAddress.get(address) ?? 1) - 1;
    if (n > 0) byAddress.set(address, n);
    else byAddress.delete(address);
  };
  if (l.maxConnectionsPerAddress > 0) {
    // The cap is applied before Node sets a connection up for HTTP (a parser, its state, a dozen
    // listeners, then parsing what arrives): an address reconnecting as fast as it is refused then
    // costs an accept and one write each, not an HTTP connection's life. Node's own listeners run
    // only for the connections let in.
    const admit = server.listeners('connection') as ((socket: Socket) => void)[];
    server.removeAllListeners('connection');
    const refusal = Buffer.from(rawErrorResponse('TOO_MANY_CONNECTIONS', 1));
    server.on('connection', (socket: Socket) => {
      const address = socket.remoteAddress ?? 'unknown';
      const n = byAddress.get(address) ?? 0;
      if (n >= l.maxConnectionsPerAddress) {
        counters.httpConnectionsRefused++;
        refuse(socket, refusal);
        return;
      }
      byAddress.set(address, n + 1);
      counted.set(socket, address);
      socket.once('close', () => release(socket));
      for (const listener of admit) listener.call(server, socket);
    });
  }
  // Node's idle close of a kept-alive connection; with this listener Node leaves the closing to it.
  server.on('timeout', (socket: Socket) => closeIfStillIdle(socket, () => socket.destroy()));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.bytesRead === 0) {
      // Not a slow request: a connection that has sent nothing since it opened (Node times it by
      // the header timeout from the accept). Once its first request begins, Node times that one.
      closeIfStillIdle(socket, () => answerClientError(error, socket, counters));
      return;
    }
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      answerLate(socket, () => answerClientError(error, socket, counters));
      return;
    }
    answerClientError(error, socket, counters);
  });
  return { release };
}

/**
 * Answers a request that ran out of time a moment later, at a random point of the next second.
 * Node finds every expired request in one sweep of its connection list and reports them all in one
 * turn; connections a flood opened together then all expire together, and answering and closing
 * thousands of them in that one turn held orders up for tens of milliseconds (then the flood's
 * reconnections arrived together too). Spread out, they cost the same but in small pieces. The
 * socket is paused meanwhile, so nothing it still sends can start a request that will be refused.
 */
function answerLate(socket: Socket, answer: () => void): void {
  socket.pause();
  const timer = setTimeout(
    () => {
      if (!socket.destroyed) answer();
    },
    Math.floor(Math.random() * 1_000),
  );
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Answers 429 on a connection no HTTP handling was set up for. What the client sends is read and
 * dropped, so closing does not reset the connection before the answer is read. The connection is
 * closed when the client closes it (the answer says `Connection: close`) or one to two seconds
 * after it opened, whatever the client still sends: closing at once would let a client that reconnects as
 * soon as it is closed cycle as fast as this thread can refuse it (11,000 a second from one address
 * in the flood bench), while the second it waits here, as `Retry-After` asks, paces it.
 */
function refuse(socket: Socket, refusal: Buffer): void {
  // A deadline, not an idle timeout: a client that keeps sending must not keep a refused connection.
  // Spread over a second to two: connections refused in one turn of the loop would otherwise all be
  // closed in one later turn, come back together, and be accepted and refused in one long turn,
  // which orders then wait behind.
  const deadline = setTimeout(() => socket.destroy(), 1_000 + Math.floor(Math.random() * 1_000));
  socket.on('close', () => clearTimeout(deadline));
  socket.on('error', () => {});
  socket.on('end', () => socket.destroy());
  socket.resume();
  socket.write(refusal);
}

/**
 * Ends a connection Node found idle past its timeout, unless a request arrived in it meanwhile. Node
 * runs its timers before it reads the sockets in each turn of the loop, so after the thread was held
 * up (a long collection, a busy turn) the timeout fires with a request that came in time still
 * unread: closing then resets a connection whose request the client sent well within the advertised
 * `Keep-Alive: timeout`, and it cannot tell whether that request was applied. Deciding one turn
 * later, after the reads, a request that has arrived is answered, and Node times the connection again
 * (a new request restarts its header timeout; its end restarts the idle one).
 */
function closeIfStillIdle(socket: Socket, close: () => void): void {
  const read = socket.bytesRead;
  setImmediate(() => {
    if (socket.destroyed || socket.bytesRead !== read) return;
    close();
  });
}

/** Node's own handling of a client error, with the catalogue's body; answers only when it can. */
function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Socket,
  counters: ConnectionCounters,
): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  const canAnswer =
    socket.writable && error.code !== 'ECONNRESET' && inFlight?.headersSent !== true;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    counters.httpRequestTimeouts++;
    if (canAnswer) socket.end(rawErrorResponse('REQUEST_TIMEOUT'));
  } else if (canAnswer) {
    socket.end(
      rawErrorResponse(
        error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'MALFORMED_REQUEST',
      ),
    );
  }
  if (canAnswer) socket.destroySoon();
  else socket.destroy();
}
