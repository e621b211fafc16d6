// A WebSocket session with the exchange: signed handshake, subscriptions, and order entry whose acks are
// matched to requests by id. Market and private-channel messages go to the `onMessage` listener.

import WebSocket from 'ws';
import { BourseApiError } from './client-error.ts';
import type { RestClient } from './rest-client.ts';
import type { CancelOnDisconnectAck, CandleInterval, OrderAck, OrderInput } from './wire-types.ts';

export const WS_PATH = '/api/v1/ws';

interface Waiter {
  resolve: (msg: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

export class SocketClient {
  readonly #ws: WebSocket;
  readonly #waiters = new Map<number, Waiter>();
  #nextId = 1;
  onMessage: (msg: Record<string, unknown>) => void = () => {};
  onClose: () => void = () => {};

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => this.#receive(data.toString()));
    ws.on('close', () => {
      for (const w of this.#waiters.values()) w.reject(new Error('socket closed'));
      this.#waiters.clear();
      this.onClose();
    });
  }

  /**
   * Opens a socket; signs the handshake with the REST client's key when it has one.
   * `cancelOnDisconnect: true` arms the socket from the handshake (every market of the account), so
   * even an order placed at once is cancelled if the connection drops; see `cancelOnDisconnect()`.
   */
  static connect(
    rest: RestClient,
    options: { perMessageDeflate?: boolean; cancelOnDisconnect?: boolean } = {},
  ): Promise<SocketClient> {
    const query = options.cancelOnDisconnect === true ? '?cancelOnDisconnect=1' : '';
    const url = `${rest.baseUrl.replace(/^http/, 'ws')}${WS_PATH}${query}`;
    const ws = new WebSocket(url, {
      headers: rest.authHeaders('GET', WS_PATH),
      perMessageDeflate: options.perMessageDeflate ?? false,
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new SocketClient(ws)));
      ws.once('unexpected-response', (_req, res) => {
        const retry = Number(res.headers['retry-after']);
        reject(
          new BourseApiError(
            res.statusCode ?? 0,
            'HANDSHAKE_REFUSED',
            res.statusMessage ?? '',
            retry > 0 ? retry : undefined,
          ),
        );
      });
      ws.once('error', reject);
    });
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** Sends one request and resolves with the answer carrying its id (ack, subscribed, pong). */
  request(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiters.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ ...msg, id }));
    });
  }

  subscribe(channel: string, market?: string | number): Promise<Record<string, unknown>> {
    return this.request(
      market === undefined ? { op: 'subscribe', channel } : { op: 'subscribe', channel, market },
    );
  }

  unsubscribe(channel: string, market?: string | number): Promise<Record<string, unknown>> {
    return this.request(
      market === undefined
        ? { op: 'unsubscribe', channel }
        : { op: 'unsubscribe', channel, market },
    );
  }

  /**
   * Subscribes to a market's candles of one interval: a `CandleSnapshotMessage`, then a
   * `CandleMessage` whenever a trade changes the open candle (a closed one first when a bucket ends),
   * all through `onMessage`. Their candles carry the fields and values of `RestClient.candles` items
   * for the same bucket (`bucketTs`, `openTicks` … `notional`, `tradeCount`), plus `closed`.
   */
  subscribeCandles(
    market: string | number,
    interval: CandleInterval,
  ): Promise<Record<string, unknown>> {
    return this.request({ op: 'subscribe', channel: 'candles', market, interval });
  }

  unsubscribeCandles(
    market: string | number,
    interval: CandleInterval,
  ): Promise<Record<string, unknown>> {
    return this.request({ op: 'unsubscribe', channel: 'candles', market, interval });
  }

  async place(order: OrderInput): Promise<OrderAck> {
    const msg = await this.request({ op: 'place', order });
    return msg.order as OrderAck;
  }

  async cancel(orderId: number): Promise<{ orderId: number; seq: number }> {
    const msg = await this.request({ op: 'cancel', orderId });
    return { orderId, seq: msg.seq as number };
  }

  /**
   * Arms (`true`) or disarms (`false`) cancel-on-disconnect: while armed, the socket closing for any
   * reason but a graceful server shutdown cancels every resting order and parked stop of the account
   * (in `market` only, when given), whichever connection placed them. Needs the trade scope.
   */
  async cancelOnDisconnect(
    enabled: boolean,
    market?: string | number,
  ): Promise<CancelOnDisconnectAck> {
    const msg = await this.request(
      market === undefined
        ? { op: 'cancelOnDisconnect', enabled }
        : { op: 'cancelOnDisconnect', enabled, market },
    );
    return { enabled: msg.enabled as boolean, market: msg.market as string | null };
  }

  /** Stops reading from the socket (tests of slow consumers); `resumeReading` undoes it. */
  pauseReading(): void {
    (this.#ws as unknown as { _socket?: { pause(): void } })._socket?.pause();
  }

  resumeReading(): void {
    (this.#ws as unknown as { _socket?: { resume(): void } })._socket?.resume();
  }

  /** Fire-and-forget order (load generation): the ack arrives through `onMessage`. */
  sendRaw(msg: Record<string, unknown>): void {
    this.#ws.send(JSON.stringify(msg));
  }

  /** Drops the connection without a closing handshake, as a network failure would. */
  terminate(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.#ws.once('close', () => resolve());
      this.#ws.terminate();
    });
  }

  close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.#ws.once('close', () => resolve());
      this.#ws.close();
    });
  }

  #receive(text: string): void {
    const msg = JSON.parse(text) as Record<string, unknown>;
    const id = msg.id;
    if (typeof id === 'number') {
      const w = this.#waiters.get(id);
      if (w !== undefined) {
        this.#waiters.delete(id);
        if (msg.type === 'error') {
          const e = msg.error as { code: string; message: string };
          w.reject(new BourseApiError(0, e.code, e.message));
        } else w.resolve(msg);
        // Snapshots and other pushes that follow a subscribe still reach the listener.
        if (msg.type !== 'subscribed') return;
      }
    }
    this.onMessage(msg);
  }
}
