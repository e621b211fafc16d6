// The WebSocket endpoint `/api/v1/ws`: authentication on the handshake (signed headers or the session
// cookie), the socket's messages (ping, subscribe, order entry), public channels per market and
// private channels per account, and the socket's life: heartbeats, and closing when its credentials
// are withdrawn or expire (1008, found by one sweep over a heap ordered by expiry). Market data goes
// out through market-fanout.ts (serialised once per message, slow consumers conflated or dropped),
// order entry is socket-orders.ts's, writes are socket-writer.ts's. A trade-scoped socket armed with
// cancel-on-disconnect (see cancel-on-disconnect.ts) has its account's orders cancelled when it
// closes, except on a graceful server shutdown.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type CandleInterval, isCandleInterval, type MarketMessage } from '@bourse/marketdata';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { GatewayServices } from '../api/gateway-services.ts';
import { CLEAR_SESSION_COOKIE, SessionEndedError } from '../auth/authenticator.ts';
import { ExpirySchedule } from '../auth/expiry-schedule.ts';
import {
  EXPIRED_CLOSE_REASON,
  REVOKED_CLOSE_CODE,
  REVOKED_CLOSE_REASON,
  type Revocation,
  revokes,
} from '../auth/revocation.ts';
import type { Principal } from '../auth/roles.ts';
import type { TokenBuckets } from '../auth/token-bucket.ts';
import { ApiError } from '../error-catalogue.ts';
import type { NewsItemRow } from '@bourse/news';
import { newsBelongsTo, newsItemView, newsTopic } from '../api/news-routes.ts';
import { clientIp, limitKey, type RateLimits, toApiError } from '../http/http-pipeline.ts';
import { PRIVATE_CHANNELS, type PrivateChannel, type PrivateUpdate } from './private-feed.ts';
import {
  type CloseCause,
  cancelOnDisconnectParam,
  submitCancelOnDisconnect,
} from './cancel-on-disconnect.ts';
import { MarketFanout, topic } from './market-fanout.ts';
import { armCancelOnDisconnect, cancelOnSocket, placeOnSocket } from './socket-orders.ts';
import { SocketWriter } from './socket-writer.ts';
import { type Client, tradingPrincipal } from './ws-client.ts';
import { missedHeartbeatCause } from './slow-consumer-policy.ts';

export const WS_PATH = '/api/v1/ws';

export interface WsOptions {
  /** Above this many buffered bytes a client's book streams are conflated. */
  readonly conflateBytes: number;
  /** Above this many buffered bytes a client is disconnected. */
  readonly disconnectBytes: number;
  readonly heartbeatMs: number;
  /** Offer permessage-deflate in the handshake. */
  readonly perMessageDeflate: boolean;
  /** Compress market data when deflate was negotiated (off by default: it costs ~9× CPU). */
  readonly compressMarketData: boolean;
  readonly maxSubscriptions: number;
  /**
   * How often sockets whose token or session expired are looked for (each look costs O(1) while none
   * is due); such a socket closes at most this long after its expiry.
   */
  readonly expiryCheckMs: number;
}

export const DEFAULT_WS_OPTIONS: WsOptions = {
  conflateBytes: 1 << 20,
  disconnectBytes: 16 << 20,
  heartbeatMs: 15_000,
  perMessageDeflate: true,
  compressMarketData: false,
  maxSubscriptions: 500,
  expiryCheckMs: 1_000,
};

export class WsGateway {
  readonly #wss: WebSocketServer;
  readonly #s: GatewayServices;
  readonly #opts: WsOptions;
  readonly #buckets: TokenBuckets;
  readonly #limits: RateLimits;
  readonly #accounts = new Map<number, Set<Client>>();
  readonly #clients = new Set<Client>();
  readonly #writer: SocketWriter;
  readonly #fanout: MarketFanout;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #expiries = new ExpirySchedule<Client>();
  readonly #expiryCheck: NodeJS.Timeout;
  readonly #stopRevocations: () => void;
  /** Set by close(): sockets that end from now on are part of a graceful shutdown. */
  #closing = false;
  #nextSocketId = 1;

  constructor(s: GatewayServices, opts: WsOptions, buckets: TokenBuckets, limits: RateLimits) {
    this.#s = s;
    this.#opts = opts;
    this.#buckets = buckets;
    this.#limits = limits;
    this.#writer = new SocketWriter(s, opts);
    this.#fanout = new MarketFanout(s, opts, this.#writer);
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: 64 * 1024,
      perMessageDeflate: opts.perMessageDeflate ? { threshold: 1024 } : false,
    });
    this.#heartbeat = setInterval(() => this.#beat(), opts.heartbeatMs);
    this.#heartbeat.unref();
    this.#expiryCheck = setInterval(() => this.#closeExpired(), opts.expiryCheckMs);
    this.#expiryCheck.unref();
    this.#stopRevocations = s.authenticator.onRevoked((r) => this.#closeRevoked(r));
    if (s.faults !== undefined) {
      s.faults.disconnect = (a, id) => this.#disconnectInjected(a, id);
      s.faults.sockets = () =>
        [...this.#clients].map((c) => ({
          socket: c.id,
          account: c.principal?.accountId ?? null,
          subscriptions: [...c.subs.keys(), ...c.privateChannels],
        }));
    }
  }

  /** True when some socket of the account listens to a private channel. */
  wantsAccount(accountId: number): boolean {
    return this.#accounts.has(accountId);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.#upgrade(req, socket, head);
  }

  /** Credentials may be looked up in a shared store, so the handshake answers asynchronously. */
  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let principal: Principal | undefined;
    let armed: boolean;
    try {
      const ip = clientIp(req);
      const r = this.#buckets.take(`ip:${ip}`, this.#limits.perIp, this.#s.clock());
      if (!r.ok) throw new ApiError('RATE_LIMITED', undefined, { retryAfter: r.retryAfterSeconds });
      principal = await this.#s.authenticator.authenticate('GET', WS_PATH, req.headers);
      if (principal?.via === 'session' && !sameOrigin(req))
        throw new ApiError('FORBIDDEN', 'Cross-origin socket.');
      armed = cancelOnDisconnectParam(req.url);
      if (armed) tradingPrincipal(principal);
    } catch (error) {
      const api = toApiError(error);
      let extra = api.retryAfter === undefined ? '' : `Retry-After: ${api.retryAfter}\r\n`;
      if (error instanceof SessionEndedError) extra += `Set-Cookie: ${CLEAR_SESSION_COOKIE}\r\n`;
      const body = JSON.stringify(api.body());
      socket.end(
        `HTTP/1.1 ${api.status} ${api.code}\r\nContent-Type: application/json\r\n${extra}` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    if (socket.destroyed) return;
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#connect(ws, req, principal, armed));
  }

  /** Sends one turn's market data to its subscribers (market-fanout.ts). */
  broadcast(messages: readonly MarketMessage[]): void {
    this.#fanout.broadcast(messages);
  }

  /** New news items to the sockets subscribed to the news of a market they belong to. */
  deliverNews(items: readonly NewsItemRow[]): void {
    for (const m of this.#s.hub.markets()) {
      const subscribers = this.#fanout.subscribers(newsTopic(m.spec.instrumentId));
      if (subscribers === undefined || subscribers.size === 0) continue;
      const mine = items.filter((i) => newsBelongsTo(i, m.spec));
      if (mine.length === 0) continue;
      const text = JSON.stringify({
        channel: 'news',
        type: 'update',
        market: m.spec.symbol,
        items: mine.map(newsItemView),
      });
      for (const c of subscribers) this.#writer.send(c, text);
    }
  }

  deliverPrivate(updates: readonly PrivateUpdate[]): void {
    for (const u of updates) {
      const clients = this.#accounts.get(u.accountId);
      if (clients === undefined) continue;
      let text: string | undefined;
      for (const c of clients) {
        if (!c.privateChannels.has(u.channel)) continue;
        text ??= JSON.stringify({ channel: u.channel, type: 'update', items: u.items });
        const fate =
          this.#s.faults?.active === true
            ? this.#s.faults.message(
                u.accountId,
                c.id,
                u.channel,
                undefined,
                undefined,
                this.#s.clock(),
              )
            : 'send';
        if (fate === 'drop') continue;
        this.#writer.send(c, text);
        if (fate === 'duplicate') this.#writer.send(c, text);
      }
    }
  }

  get connections(): number {
    return this.#clients.size;
  }

  close(): Promise<void> {
    // A graceful shutdown cancels nothing: the journal keeps the orders, the exchange comes back with
    // them, and clients reconnect (and re-arm). Cancelling here would also race the core's own close.
    this.#closing = true;
    let armed = 0;
    for (const c of this.#clients) if (c.cancelOnDisconnect !== undefined) armed++;
    if (armed > 0) {
      this.#s.logger.info('ws shutdown leaves the orders of cancel-on-disconnect sockets', {
        sockets: armed,
      });
    }
    clearInterval(this.#heartbeat);
    clearInterval(this.#expiryCheck);
    this.#stopRevocations();
    for (const c of this.#clients) c.ws.terminate();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }

  #connect(
    ws: WebSocket,
    req: IncomingMessage,
    principal: Principal | undefined,
    armed: boolean,
  ): void {
    const mm = principal?.role === 'market-maker';
    const perKey = this.#limits.perKey;
    const client: Client = {
      id: this.#nextSocketId++,
      ws,
      principal,
      limitKey: principal === undefined ? `ip:${clientIp(req)}` : limitKey(principal),
      limit:
        principal === undefined
          ? this.#limits.perIp
          : mm
            ? {
                capacity: perKey.capacity * this.#limits.marketMakerMultiplier,
                refillPerSecond: perKey.refillPerSecond * this.#limits.marketMakerMultiplier,
              }
            : perKey,
      subs: new Map(),
      privateChannels: new Set(),
      plainFrames: !ws.extensions.includes('permessage-deflate'),
      expiry: undefined,
      cancelOnDisconnect: armed ? 'allMarkets' : undefined,
      closeCause: undefined,
      alive: true,
    };
    this.#clients.add(client);
    if (principal?.expiresAt !== undefined) {
      client.expiry = this.#expiries.add(client, principal.expiresAt);
    }
    this.#s.metrics.wsConnections = this.#clients.size;
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => this.#onMessage(client, data, isBinary));
    ws.on('close', (code) => this.#drop(client, client.closeCause ?? 'closed', code));
    ws.on('error', () => this.#writer.terminate(client, 'error'));
  }

  #onMessage(c: Client, data: RawData, isBinary: boolean): void {
    this.#s.metrics.wsMessagesIn++;
    let msg: Record<string, unknown>;
    try {
      if (isBinary) throw new ApiError('MALFORMED_JSON', 'Send text frames.');
      const parsed: unknown = JSON.parse(data.toString());
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ApiError('VALIDATION_FAILED', 'A message is a JSON object with an op.');
      }
      msg = parsed as Record<string, unknown>;
    } catch (error) {
      this.#writer.reply(
        c,
        undefined,
        error instanceof ApiError ? error : new ApiError('MALFORMED_JSON'),
      );
      return;
    }
    const id = typeof msg.id === 'string' || typeof msg.id === 'number' ? msg.id : undefined;
    try {
      const r = this.#buckets.take(c.limitKey, c.limit, this.#s.clock());
      if (!r.ok) {
        this.#s.metrics.rateLimited++;
        throw new ApiError('RATE_LIMITED', undefined, { retryAfter: r.retryAfterSeconds });
      }
      this.#dispatch(c, id, msg);
    } catch (error) {
      this.#writer.reply(c, id, toApiError(error));
    }
  }

  #dispatch(c: Client, id: string | number | undefined, msg: Record<string, unknown>): void {
    switch (msg.op) {
      case 'ping':
        this.#writer.send(c, JSON.stringify({ type: 'pong', id: id ?? null, ts: this.#s.clock() }));
        return;
      case 'subscribe':
        return this.#subscribe(c, id, msg, true);
      case 'unsubscribe':
        return this.#subscribe(c, id, msg, false);
      case 'place':
        return placeOnSocket(this.#s, this.#writer, c, id, msg.order);
      case 'cancel':
        return cancelOnSocket(this.#s, this.#writer, c, id, msg.orderId);
      case 'cancelOnDisconnect':
        return armCancelOnDisconnect(this.#s, this.#writer, c, id, msg);
      default:
        throw new ApiError(
          'VALIDATION_FAILED',
          'op must be ping, subscribe, unsubscribe, place, cancel or cancelOnDisconnect.',
        );
    }
  }

  #subscribe(
    c: Client,
    id: string | number | undefined,
    msg: Record<string, unknown>,
    on: boolean,
  ): void {
    const channel = msg.channel;
    if ((PRIVATE_CHANNELS as readonly unknown[]).includes(channel)) {
      const p = c.principal;
      if (p === undefined)
        throw new ApiError('UNAUTHENTICATED', 'Private channels need authentication.');
      if (!p.scopes.has('read')) throw new ApiError('FORBIDDEN');
      const ch = channel as PrivateChannel;
      if (on) c.privateChannels.add(ch);
      else c.privateChannels.delete(ch);
      this.#indexAccount(c, p.accountId);
      this.#writer.send(
        c,
        JSON.stringify({ type: on ? 'subscribed' : 'unsubscribed', id: id ?? null, channel }),
      );
      return;
    }
    if (
      channel !== 'book' &&
      channel !== 'trades' &&
      channel !== 'ticker' &&
      channel !== 'candles' &&
      channel !== 'news'
    ) {
      throw new ApiError('VALIDATION_FAILED', 'Unknown channel.');
    }
    if (typeof msg.market !== 'string' && typeof msg.market !== 'number') {
      throw new ApiError('VALIDATION_FAILED', 'Public channels need a market.');
    }
    let interval: CandleInterval | undefined;
    if (channel === 'candles') {
      if (!isCandleInterval(msg.interval)) {
        throw new ApiError('VALIDATION_FAILED', 'Candles need an interval: 1m, 1h or 1d.');
      }
      interval = msg.interval;
    }
    const market = this.#s.market(msg.market);
    const instrumentId = market.spec.instrumentId;
    // News is not market data: its items come from the news store, not the hub's turns.
    const key =
      channel === 'news' ? newsTopic(instrumentId) : topic(channel, instrumentId, interval);
    const answer = (type: 'subscribed' | 'unsubscribed') =>
      JSON.stringify({
        type,
        id: id ?? null,
        channel,
        market: market.spec.symbol,
        ...(interval === undefined ? {} : { interval }),
      });
    if (!on) {
      c.subs.delete(key);
      this.#fanout.remove(c, key);
      this.#writer.send(c, answer('unsubscribed'));
      return;
    }
    if (!c.subs.has(key) && c.subs.size >= this.#opts.maxSubscriptions) {
      throw new ApiError('VALIDATION_FAILED', 'Too many subscriptions on one socket.');
    }
    c.subs.set(key, false);
    this.#fanout.add(c, key);
    this.#writer.send(c, answer('subscribed'));
    // A repeated book subscription is how a client that saw a sequence gap gets a fresh snapshot.
    if (channel === 'book')
      this.#writer.send(c, JSON.stringify(this.#s.hub.snapshot(instrumentId)));
    if (channel === 'ticker')
      this.#writer.send(c, JSON.stringify(this.#s.hub.ticker(instrumentId)));
    // The open candle as of the last flush; the updates that follow carry everything after it.
    if (interval !== undefined) {
      const snapshot = this.#s.hub.candleSnapshot(instrumentId, interval, this.#s.exchangeNow());
      this.#writer.send(c, JSON.stringify(snapshot));
    }
  }

  #indexAccount(c: Client, accountId: number): void {
    let set = this.#accounts.get(accountId);
    if (c.privateChannels.size > 0) {
      if (set === undefined) this.#accounts.set(accountId, (set = new Set()));
      set.add(c);
    } else if (set !== undefined) {
      set.delete(c);
      if (set.size === 0) this.#accounts.delete(accountId);
    }
  }

  #drop(c: Client, cause: CloseCause, code: number | undefined): void {
    if (!this.#clients.delete(c)) return;
    const scope = c.cancelOnDisconnect;
    if (scope !== undefined && c.principal !== undefined && !this.#closing) {
      submitCancelOnDisconnect(
        this.#s,
        c.principal.accountId,
        scope,
        { cause, code },
        () => this.#closing,
      );
    }
    if (c.expiry !== undefined) this.#expiries.remove(c.expiry);
    for (const key of c.subs.keys()) this.#fanout.remove(c, key);
    if (c.principal !== undefined) {
      c.privateChannels.clear();
      this.#indexAccount(c, c.principal.accountId);
    }
    this.#s.metrics.wsConnections = this.#clients.size;
  }

  /** A sandbox's forced disconnect: the account's sockets (or one) end as a network failure would. */
  #disconnectInjected(accountId: number, socketId: number | undefined): number {
    let ended = 0;
    for (const c of this.#clients) {
      if (c.principal?.accountId !== accountId || (socketId !== undefined && c.id !== socketId)) {
        continue;
      }
      this.#writer.terminate(c, 'injected');
      ended++;
    }
    return ended;
  }

  /** A socket opened with credentials that were just withdrawn ends now, with a stated reason. */
  #closeRevoked(r: Revocation): void {
    for (const c of this.#clients) {
      if (c.principal === undefined || !revokes(r, c.principal)) continue;
      this.#s.metrics.wsRevokedCloses++;
      c.ws.close(REVOKED_CLOSE_CODE, REVOKED_CLOSE_REASON);
      this.#drop(c, 'revoked', REVOKED_CLOSE_CODE);
    }
  }

  /** Sockets whose bearer token or session has expired end, with a reason of their own. */
  #closeExpired(): void {
    if (this.#expiries.size === 0) return;
    for (const c of this.#expiries.due(this.#s.clock())) {
      this.#s.metrics.wsExpiredCloses++;
      c.ws.close(REVOKED_CLOSE_CODE, EXPIRED_CLOSE_REASON);
      this.#drop(c, 'expired', REVOKED_CLOSE_CODE);
    }
  }

  #beat(): void {
    for (const c of this.#clients) {
      if (!c.alive) {
        this.#writer.terminate(c, missedHeartbeatCause(c.ws.bufferedAmount));
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }
}

/**
 * Whether a handshake may use the session cookie: a browser sends `Origin`, and a page of another site
 * must not open a socket with this site's cookie (cross-site WebSocket hijacking). No `Origin` means
 * no browser, which cannot carry a victim's cookie.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
