// Writing to one socket: replies and errors, sends bounded by the socket's buffer (past the hard bound
// the socket is dropped as a slow consumer), acks of one core batch joined into one write, and ending
// a socket with the cause remembered and counted once.

import { WebSocket } from 'ws';
import type { GatewayServices } from '../api/gateway-services.ts';
import type { ApiError } from '../error-catalogue.ts';
import type { CloseCause } from './cancel-on-disconnect.ts';
import { textFrames } from './text-frame.ts';
import { type Client, rawSocket } from './ws-client.ts';
import type { WsOptions } from './ws-gateway.ts';

export class SocketWriter {
  readonly #s: GatewayServices;
  readonly #opts: WsOptions;
  // Both are replaced after each flush, never cleared: decision 0950.
  #ackCorked = new Set<Client>();
  /** Messages for plain sockets (no compression) since the last flush, in order, per socket. */
  #queued = new Map<Client, (string | Buffer)[]>();

  constructor(s: GatewayServices, opts: WsOptions) {
    this.#s = s;
    this.#opts = opts;
  }

  reply(c: Client, id: string | number | undefined, error: ApiError, seq?: number): void {
    const body = {
      type: 'error',
      id: id ?? null,
      ...error.body(),
      ...(seq === undefined ? {} : { seq }),
    };
    this.send(c, JSON.stringify(body));
  }

  send(c: Client, text: string | Buffer): void {
    if (c.ws.bufferedAmount > this.#opts.disconnectBytes) {
      this.terminate(c, 'slowConsumer');
      return;
    }
    this.sendRaw(c, text, true);
  }

  sendRaw(c: Client, text: string | Buffer, compress: boolean): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    this.#s.metrics.wsMessagesOut++;
    if (c.plainFrames) {
      this.#queue(c, text);
      return;
    }
    this.#corkForMicrotasks(c);
    c.ws.send(text, { compress, binary: false });
  }

  /**
   * Acks of one core batch are resolved together, so their callbacks run back to back as microtasks;
   * a plain socket's messages are framed here and written in one buffer by a flush queued behind
   * them, without waiting for the end of the turn: one write instead of a `ws` frame, two buffers and
   * a stream write per message. Safe only where `ws` holds back no frame of its own (no
   * permessage-deflate), as for market data's frames (`market-fanout.ts`).
   */
  #queue(c: Client, text: string | Buffer): void {
    const queued = this.#queued.get(c);
    if (queued !== undefined) {
      queued.push(text);
      return;
    }
    this.#queued.set(c, [text]);
    if (this.#queued.size === 1) queueMicrotask(this.#flush);
  }

  readonly #flush = (): void => {
    const queued = this.#queued;
    this.#queued = new Map();
    for (const [c, texts] of queued) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      const socket = rawSocket(c.ws);
      if (socket !== undefined) socket.write(textFrames(texts));
      else for (const text of texts) c.ws.send(text, { binary: false });
    }
  };

  /** As `#queue`, for sockets with compression: corked, and uncorked by a microtask behind the acks. */
  #corkForMicrotasks(c: Client): void {
    if (this.#ackCorked.has(c)) return;
    this.#ackCorked.add(c);
    rawSocket(c.ws)?.cork();
    if (this.#ackCorked.size === 1) {
      queueMicrotask(() => {
        const corked = this.#ackCorked;
        this.#ackCorked = new Set();
        for (const x of corked) rawSocket(x.ws)?.uncork();
      });
    }
  }

  /** Ends the socket at once (no closing handshake), remembering and counting why (once). */
  terminate(c: Client, cause: CloseCause): void {
    if (c.closeCause === undefined) {
      c.closeCause = cause;
      if (cause === 'slowConsumer') this.#s.metrics.wsSlowConsumerDrops++;
      else if (cause === 'heartbeat') this.#s.metrics.wsHeartbeatCloses++;
    }
    c.ws.terminate();
  }
}
