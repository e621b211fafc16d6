// Typed access to the native REST API. Requests are signed with the user's API key when credentials are
// given; timestamps are kept strictly increasing per client so two identical requests in the same
// millisecond never carry the same signature (the exchange refuses replayed signatures). After
// `useToken()` (or with the `token` option) requests carry `Authorization: Bearer` instead: one signed
// request mints a short-lived token and the rest skip signing (and the server's signature check). A token
// minted by `useToken()` is renewed by itself: a request refused with TOKEN_INVALID (refused before it
// reached the exchange, so nothing happened) mints a new one and is sent once more.

import { setTimeout as delay } from 'node:timers/promises';
import { BourseApiError } from './client-error.ts';
import { type PlacedOrder, placeOnce } from './idempotent-place.ts';
import { type ApiKeyCredentials, RequestSigner } from './request-signer.ts';
import {
  FateUnknownError,
  fateUnknown,
  refusedBeforeRunning,
  type RetryPolicy,
  retryDelayMs,
} from './retry-policy.ts';
import type {
  Asset,
  Balance,
  BookDepth,
  Candle,
  CandleInterval,
  Market,
  OrderAck,
  OrderGroup,
  OrderInput,
  Page,
  Position,
  QueuePosition,
} from './wire-types.ts';

export interface RestClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  readonly baseUrl: string;
  readonly credentials?: ApiKeyCredentials;
  /** A bearer token from POST /api/v1/auth/token; sent instead of signatures while set. */
  readonly token?: string;
  readonly clock?: () => number;
  /**
   * Resend what may safely be resent: any request refused with 429 (after its Retry-After), reads
   * whose answer was a 5xx or never came, and orders under their client order id (`placeOrder`
   * gives one to an order without; see idempotent-place.ts). Absent: every failure is thrown.
   */
  readonly retry?: RetryPolicy;
}

/** What POST /api/v1/auth/token answers. */
export interface IssuedToken {
  readonly token: string;
  /** Milliseconds since 1970. */
  readonly expiresAt: number;
  readonly keyId: string;
  readonly scopes: string[];
}

export const TOKEN_PATH = '/api/v1/auth/token';

type Query = Record<string, string | number | undefined>;

export class RestClient {
  readonly baseUrl: string;
  readonly #signer: RequestSigner | undefined;
  readonly #clock: () => number;
  #lastTs = 0;
  #token: string | undefined;
  /** Set by `useToken()`: the lifetime asked for, reused when the token is renewed. */
  #renewal: { readonly ttlSeconds: number | undefined } | undefined;
  readonly #retry: RetryPolicy | undefined;
  /**
   * No request leaves before this `performance.now()`: a 429 or 503 with Retry-After asked the
   * client to stay away that long, whatever request comes next.
   */
  #quietUntil = 0;

  constructor(options: RestClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.#signer =
      options.credentials === undefined ? undefined : new RequestSigner(options.credentials);
    this.#clock = options.clock ?? Date.now;
    this.#token = options.token;
    this.#retry = options.retry;
  }

  /** The bearer token in use, if any. */
  get token(): string | undefined {
    return this.#token;
  }

  /**
   * Mints a bearer token with a signed request and sends it on every later request instead of a
   * signature; when it has expired or was revoked, the next request mints another (same lifetime).
   */
  async useToken(ttlSeconds?: number): Promise<IssuedToken> {
    this.#token = undefined;
    this.#renewal = undefined;
    const issued = await this.request<IssuedToken>(
      'POST',
      TOKEN_PATH,
      ttlSeconds === undefined ? undefined : { ttlSeconds },
    );
    this.#token = issued.token;
    this.#renewal = { ttlSeconds };
    return issued;
  }

  /** Revokes the token in use on the server and goes back to signed requests. */
  async dropToken(): Promise<void> {
    if (this.#token === undefined) return;
    this.#renewal = undefined;
    try {
      await this.request('DELETE', TOKEN_PATH);
    } finally {
      this.#token = undefined;
    }
  }

  /**
   * The authentication headers for a request (also used for the WebSocket handshake). With `body`
   * (the exact text sent, '' for none) a signature also covers the body's digest.
   */
  authHeaders(method: string, path: string, body?: string): Record<string, string> {
    if (this.#token !== undefined) return { authorization: `Bearer ${this.#token}` };
    if (this.#signer === undefined) return {};
    const ts = Math.max(this.#clock(), this.#lastTs + 1);
    this.#lastTs = ts;
    return body === undefined
      ? this.#signer.headers(method, path, ts)
      : this.#signer.headersWithBody(method, path, ts, body);
  }

  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const policy = this.#retry;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#authenticated<T>(method, path, body, query);
      } catch (error) {
        const again =
          policy !== undefined &&
          attempt < policy.attempts &&
          (refusedBeforeRunning(error) || (method === 'GET' && fateUnknown(error)));
        if (!again) throw error;
        await delay(retryDelayMs(policy, error, attempt));
      }
    }
  }

  /** One request; a refused bearer token minted by `useToken()` is renewed and the request resent. */
  async #authenticated<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    try {
      return await this.#send<T>(method, path, body, query);
    } catch (error) {
      const renewal = this.#renewal;
      if (
        !(error instanceof BourseApiError) ||
        error.code !== 'TOKEN_INVALID' ||
        renewal === undefined ||
        this.#signer === undefined ||
        path === TOKEN_PATH
      ) {
        throw error;
      }
      await this.useToken(renewal.ttlSeconds);
      return this.#send<T>(method, path, body, query);
    }
  }

  async #send<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) search.set(k, String(v));
    const qs = search.size > 0 ? `?${search}` : '';
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { ...this.authHeaders(method, path, text ?? '') };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const wait = this.#quietUntil - performance.now();
    if (wait > 0) await delay(wait);
    const timeoutMs = this.#retry?.timeoutMs;
    let res: Response;
    let answer: string;
    try {
      res = await fetch(`${this.baseUrl}${path}${qs}`, {
        method,
        headers,
        ...(text === undefined ? {} : { body: text }),
        ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
      });
      answer = await res.text();
    } catch (error) {
      throw new FateUnknownError(`${method} ${path}`, error);
    }
    const json: unknown = answer === '' ? undefined : parseJson(answer);
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      const retry = res.headers.get('retry-after');
      const seconds = retry === null ? Number.NaN : Number(retry);
      if ((res.status === 429 || res.status === 503) && seconds > 0) {
        this.#quietUntil = Math.max(this.#quietUntil, performance.now() + seconds * 1000);
      }
      throw new BourseApiError(
        res.status,
        err?.code ?? 'HTTP_ERROR',
        err?.message ?? res.statusText,
        retry === null ? undefined : Number(retry),
      );
    }
    return json as T;
  }

  assets(): Promise<{ items: Asset[] }> {
    return this.request('GET', '/api/v1/assets');
  }

  markets(filter: Query = {}): Promise<{ items: Market[] }> {
    return this.request('GET', '/api/v1/markets', undefined, filter);
  }

  market(ref: string | number): Promise<Market> {
    return this.request('GET', `/api/v1/markets/${encodeURIComponent(String(ref))}`);
  }

  book(ref: string | number, depth?: number): Promise<BookDepth> {
    return this.request(
      'GET',
      `/api/v1/markets/${encodeURIComponent(String(ref))}/book`,
      undefined,
      { depth },
    );
  }

  trades(ref: string | number, query: Query = {}): Promise<Page<Record<string, unknown>>> {
    return this.request(
      'GET',
      `/api/v1/markets/${encodeURIComponent(String(ref))}/trades`,
      undefined,
      query,
    );
  }

  candles(ref: string | number, interval: CandleInterval, query: Query = {}) {
    return this.request<{ items: Candle[] }>(
      'GET',
      `/api/v1/markets/${encodeURIComponent(String(ref))}/candles`,
      undefined,
      { interval, ...query },
    );
  }

  /**
   * Places an order. With a retry policy it is placed at most once whatever fails on the way: it
   * carries a client order id (one is made if absent) and a lost answer is looked up before any
   * resend (an acknowledgement rebuilt that way says `recovered: true` and lists no fills).
   */
  placeOrder(order: OrderInput): Promise<PlacedOrder> {
    const send = (o: OrderInput) => this.#authenticated<OrderAck>('POST', '/api/v1/orders', o);
    if (this.#retry === undefined) return send(order);
    return placeOnce(
      {
        send,
        findByClientId: (clientOrderId) => this.orders({ clientOrderId }),
        sleep: (ms) => delay(ms),
      },
      this.#retry,
      order,
    );
  }

  placeOrders(
    orders: OrderInput[],
  ): Promise<{ results: ({ order: OrderAck } | { error: { code: string; message: string } })[] }> {
    return this.request('POST', '/api/v1/orders/batch', { orders });
  }

  cancelOrder(
    orderId: number,
  ): Promise<{ orderId: number; seq: number; cancelledQtyLots: number }> {
    return this.request('DELETE', `/api/v1/orders/${orderId}`);
  }

  cancelOrders(orderIds: number[]): Promise<{ results: unknown[] }> {
    return this.request('POST', '/api/v1/orders/batch-cancel', { orderIds });
  }

  cancelAll(market?: string | number): Promise<{ seq: number; cancelledOrderIds: number[] }> {
    return this.request(
      'POST',
      '/api/v1/orders/cancel-all',
      market === undefined ? {} : { market },
    );
  }

  amendOrder(orderId: number, change: { priceTicks?: number; qtyLots?: number }) {
    return this.request<{ orderId: number; seq: number }>(
      'POST',
      `/api/v1/orders/${orderId}/amend`,
      change,
    );
  }

  decreaseOrder(orderId: number, byLots: number) {
    return this.request<{ orderId: number; seq: number }>(
      'POST',
      `/api/v1/orders/${orderId}/decrease`,
      { byLots },
    );
  }

  order(orderId: number): Promise<Record<string, unknown>> {
    return this.request('GET', `/api/v1/orders/${orderId}`);
  }

  orders(query: Query = {}): Promise<Page<Record<string, unknown>>> {
    return this.request('GET', '/api/v1/orders', undefined, query);
  }

  openOrders(): Promise<{ items: Record<string, unknown>[] }> {
    return this.request('GET', '/api/v1/orders/open');
  }

  /** Lots resting ahead of one of your resting orders (ORDER_NOT_RESTING once it is not). */
  queuePosition(orderId: number): Promise<QueuePosition> {
    return this.request('GET', `/api/v1/orders/${orderId}/queue-position`);
  }

  /** Queue positions of all your resting orders, optionally in one market, by order id. */
  queuePositions(market?: string | number): Promise<{ items: QueuePosition[] }> {
    return this.request('GET', '/api/v1/orders/queue-positions', undefined, {
      market: market === undefined ? undefined : String(market),
    });
  }

  /** A new order group capping what its orders may match in 15 s; orders join with `orderGroupId`. */
  createOrderGroup(limitLots: number): Promise<OrderGroup & { seq: number }> {
    return this.request('POST', '/api/v1/order-groups', { limitLots });
  }

  orderGroups(): Promise<{ items: OrderGroup[] }> {
    return this.request('GET', '/api/v1/order-groups');
  }

  orderGroup(orderGroupId: number): Promise<OrderGroup> {
    return this.request('GET', `/api/v1/order-groups/${orderGroupId}`);
  }

  setOrderGroupLimit(orderGroupId: number, limitLots: number): Promise<OrderGroup> {
    return this.request('PUT', `/api/v1/order-groups/${orderGroupId}/limit`, { limitLots });
  }

  /** Empties the window and lets a triggered group take orders again. */
  resetOrderGroup(orderGroupId: number): Promise<OrderGroup> {
    return this.request('POST', `/api/v1/order-groups/${orderGroupId}/reset`);
  }

  /** Cancels the group's orders now; it takes none until reset. */
  triggerOrderGroup(orderGroupId: number): Promise<OrderGroup> {
    return this.request('POST', `/api/v1/order-groups/${orderGroupId}/trigger`);
  }

  deleteOrderGroup(
    orderGroupId: number,
  ): Promise<{ orderGroupId: number; cancelledOrderIds: number[]; seq: number }> {
    return this.request('DELETE', `/api/v1/order-groups/${orderGroupId}`);
  }

  balances(): Promise<{ items: Balance[] }> {
    return this.request('GET', '/api/v1/portfolio/balances');
  }

  positions(): Promise<{ items: Position[] }> {
    return this.request('GET', '/api/v1/portfolio/positions');
  }

  fills(query: Query = {}): Promise<Page<Record<string, unknown>>> {
    return this.request('GET', '/api/v1/portfolio/fills', undefined, query);
  }

  settlements(query: Query = {}): Promise<Page<Record<string, unknown>>> {
    return this.request('GET', '/api/v1/portfolio/settlements', undefined, query);
  }

  account(): Promise<{
    userId: number;
    username: string;
    role: string;
    accountId: number;
    scopes: string[];
  }> {
    return this.request('GET', '/api/v1/account');
  }
}

/** A body that is not JSON (a proxy's error page) is kept as text for the error message. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 200) } };
  }
}
