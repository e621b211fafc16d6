// The WebSocket endpoint `/api/v1/ws`: authentication on the handshake (signed headers or the session
// cookie), order entry and cancel on the socket, public channels per market (book snapshot then deltas,
// trades, ticker, and per interval the open candle then its updates) and private channels per account.
// Each market message is serialised once and the same string goes to every subscriber. A consumer whose
// send buffer passes a bound stops getting deltas and is resnapshotted when it drains (conflation); past
// a hard bound it is disconnected, so one slow client never holds up the others. A socket opened with a
// bearer token or a session cookie closes when that credential expires (1008 CREDENTIALS_EXPIRED), found
// by one sweep over a heap ordered by expiry. A trade-scoped socket armed with cancel-on-disconnect
// (see cancel-on-disconnect.ts) has its account's orders cancelled when it closes, except on a graceful
// server shutdown.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type CandleInterval, isCandleInterval, type MarketMessage } from '@bourse/marketdata';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { type GatewayServices, rejectionError } from '../api/gateway-services.ts';
import { orderAck, placeOrderCommand } from '../api/order-entry.ts';
import { PlaceOrderBody } from '@bourse/protocol';
import { CLEAR_SESSION_COOKIE, SessionEndedError } from '../auth/authenticator.ts';
import { type ExpiryEntry, ExpirySchedule } from '../auth/expiry-schedule.ts';
import {
  EXPIRED_CLOSE_REASON,
  REVOKED_CLOSE_CODE,
  REVOKED_CLOSE_REASON,
  type Revocation,
  revokes,
} from '../auth/revocation.ts';
import type { Principal } from '../auth/roles.ts';
import type { BucketConfig, TokenBuckets } from '../auth/token-bucket.ts';
import { ApiError } from '../error-catalogue.ts';
import { clientIp, limitKey, type RateLimits, toApiError } from '../http/http-pipeline.ts';
import { validatorFor } from '../http/schema-validator.ts';
import { PRIVATE_CHANNELS, type PrivateChannel, type PrivateUpdate } from './private-feed.ts';
import {
  type CancelScope,
  type CloseCause,
  cancelOnDisconnectParam,
  cancelScopeOf,
  submitCancelOnDisconnect,
} from './cancel-on-disconnect.ts';
import { textFrame } from './text-frame.ts';
import { decideMarketSend, missedHeartbeatCause } from './slow-consumer-policy.ts';

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

type PublicChannel = 'book' | 'trades' | 'ticker' | 'candles';

/** Subscribers of a market message: per channel and market, and for candles per interval too. */
function topicOf(m: MarketMessage): string {
  return m.channel === 'candles'
    ? topic(m.channel, m.instrumentId, m.interval)
    : topic(m.channel, m.instrumentId, undefined);
}

function topic(
  channel: PublicChannel,
  instrumentId: number,
  interval: CandleInterval | undefined,
): string {
  return interval === undefined
    ? `${channel}:${instrumentId}`
    : `${channel}:${instrumentId}:${interval}`;
}

interface Client {
  readonly ws: WebSocket;
  readonly principal: Principal | undefined;
  readonly limitKey: string;
  readonly limit: BucketConfig;
  /** Topic (`${channel}:${instrumentId}[:${interval}]`) → stale (book streams awaiting a resnapshot). */
  readonly subs: Map<string, boolean>;
  readonly privateChannels: Set<PrivateChannel>;
  /**
   * The socket carries plain frames only (no permessage-deflate was negotiated), so market data can
   * be written to it as frames built once per broadcast (see #flushFrames).
   */
  readonly plainFrames: boolean;
  /** The socket's place in the expiry schedule, when its credentials expire. */
  expiry: ExpiryEntry<Client> | undefined;
  /** Set while the socket is armed: what its close cancels. */
  cancelOnDisconnect: CancelScope | undefined;
  /** Why the gateway ended the socket, when it did (for the cancel-on-disconnect log). */
  closeCause: CloseCause | undefined;
  alive: boolean;
}

const validatePlace = () => validatorFor(PlaceOrderBody);

export class WsGateway {
  readonly #wss: WebSocketServer;
  readonly #s: GatewayServices;
  readonly #opts: WsOptions;
  readonly #buckets: TokenBuckets;
  readonly #limits: RateLimits;
  readonly #topics = new Map<string, Set<Client>>();
  readonly #accounts = new Map<number, Set<Client>>();
  readonly #clients = new Set<Client>();
  readonly #corked = new Set<Client>();
  readonly #ackCorked = new Set<Client>();
  /** Frames of the broadcast in progress, per plain socket (see #flushFrames). */
  readonly #pendingFrames = new Map<Client, { frames: Buffer[]; key: string | undefined }>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #expiries = new ExpirySchedule<Client>();
  readonly #expiryCheck: NodeJS.Timeout;
  readonly #stopRevocations: () => void;
  /** Set by close(): sockets that end from now on are part of a graceful shutdown. */
  #closing = false;

  constructor(s: GatewayServices, opts: WsOptions, buckets: TokenBuckets, limits: RateLimits) {
    this.#s = s;
    this.#opts = opts;
    this.#buckets = buckets;
    this.#limits = limits;
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

  /** Sends one turn's market data; each message is serialised once for all its subscribers. */
  broadcast(messages: readonly MarketMessage[]): void {
    // Each payload is encoded once and the same bytes go to every subscriber. A plain socket gets all
    // of this turn's frames for it in ONE write (frames concatenated once per distinct combination),
    // because at 10,000 subscribers the system calls are most of the broadcast's cost. Sockets that
    // go through `ws` (compression) are corked for the broadcast instead, for the same effect.
    const corked: Client[] = [];
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const subscribers = this.#topics.get(topicOf(m));
      if (subscribers === undefined || subscribers.size === 0) continue;
      const text = Buffer.from(JSON.stringify(m));
      const frame = this.#opts.compressMarketData ? undefined : textFrame(text);
      for (const c of subscribers) {
        if (frame === undefined || !c.plainFrames) {
          if (this.#corked.add(c).size > corked.length) {
            corked.push(c);
            rawSocket(c.ws)?.cork();
          }
        }
        this.#sendMarket(c, m, text, frame, i);
      }
    }
    for (const c of corked) rawSocket(c.ws)?.uncork();
    this.#corked.clear();
    this.#flushFrames();
  }

  /**
   * Writes each plain socket's frames of this broadcast in one system call, straight to the TCP
   * socket. Safe only on sockets without permessage-deflate, where `ws` never holds a frame of its
   * own back that this write could overtake.
   */
  #flushFrames(): void {
    const joined = new Map<string, Buffer>();
    for (const [c, p] of this.#pendingFrames) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      this.#s.metrics.wsMessagesOut += p.frames.length;
      let bytes: Buffer;
      if (p.frames.length === 1) bytes = p.frames[0]!;
      else if (p.key === undefined) bytes = Buffer.concat(p.frames);
      else {
        bytes = joined.get(p.key) ?? Buffer.concat(p.frames);
        joined.set(p.key, bytes);
      }
      rawSocket(c.ws)?.write(bytes);
    }
    this.#pendingFrames.clear();
  }

  deliverPrivate(updates: readonly PrivateUpdate[]): void {
    for (const u of updates) {
      const clients = this.#accounts.get(u.accountId);
      if (clients === undefined) continue;
      let text: string | undefined;
      for (const c of clients) {
        if (!c.privateChannels.has(u.channel)) continue;
        text ??= JSON.stringify({ channel: u.channel, type: 'update', items: u.items });
        this.#send(c, text);
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
    ws.on('error', () => this.#terminate(client, 'error'));
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
      this.#reply(c, undefined, error instanceof ApiError ? error : new ApiError('MALFORMED_JSON'));
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
      this.#reply(c, id, toApiError(error));
    }
  }

  #dispatch(c: Client, id: string | number | undefined, msg: Record<string, unknown>): void {
    switch (msg.op) {
      case 'ping':
        this.#send(c, JSON.stringify({ type: 'pong', id: id ?? null, ts: this.#s.clock() }));
        return;
      case 'subscribe':
        return this.#subscribe(c, id, msg, true);
      case 'unsubscribe':
        return this.#subscribe(c, id, msg, false);
      case 'place':
        return this.#place(c, id, msg.order);
      case 'cancel':
        return this.#cancel(c, id, msg.orderId);
      case 'cancelOnDisconnect':
        return this.#armCancelOnDisconnect(c, id, msg);
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
      this.#send(
        c,
        JSON.stringify({ type: on ? 'subscribed' : 'unsubscribed', id: id ?? null, channel }),
      );
      return;
    }
    if (
      channel !== 'book' &&
      channel !== 'trades' &&
      channel !== 'ticker' &&
      channel !== 'candles'
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
    const key = topic(channel, instrumentId, interval);
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
      this.#topics.get(key)?.delete(c);
      this.#send(c, answer('unsubscribed'));
      return;
    }
    if (!c.subs.has(key) && c.subs.size >= this.#opts.maxSubscriptions) {
      throw new ApiError('VALIDATION_FAILED', 'Too many subscriptions on one socket.');
    }
    c.subs.set(key, false);
    let set = this.#topics.get(key);
    if (set === undefined) this.#topics.set(key, (set = new Set()));
    set.add(c);
    this.#send(c, answer('subscribed'));
    // A repeated book subscription is how a client that saw a sequence gap gets a fresh snapshot.
    if (channel === 'book') this.#send(c, JSON.stringify(this.#s.hub.snapshot(instrumentId)));
    if (channel === 'ticker') this.#send(c, JSON.stringify(this.#s.hub.ticker(instrumentId)));
    // The open candle as of the last flush; the updates that follow carry everything after it.
    if (interval !== undefined) {
      const snapshot = this.#s.hub.candleSnapshot(instrumentId, interval, this.#s.clock());
      this.#send(c, JSON.stringify(snapshot));
    }
  }

  #place(c: Client, id: string | number | undefined, order: unknown): void {
    const p = this.#tradingPrincipal(c);
    validatePlace()(order);
    const body = order as PlaceOrderBody;
    const market = this.#s.market(body.market);
    const input = placeOrderCommand(p.accountId, market, body);
    this.#s.core.submit(input).then(
      (applied) => {
        const refused = rejectionError(applied);
        if (refused !== undefined) {
          this.#reply(c, id, refused, applied.seq);
        } else {
          this.#send(
            c,
            JSON.stringify({
              type: 'ack',
              op: 'place',
              id: id ?? null,
              order: orderAck(applied, market.spec.symbol),
            }),
          );
        }
      },
      (error: unknown) => this.#reply(c, id, toApiError(error)),
    );
  }

  #cancel(c: Client, id: string | number | undefined, orderId: unknown): void {
    const p = this.#tradingPrincipal(c);
    if (typeof orderId !== 'number' || !Number.isSafeInteger(orderId) || orderId < 1) {
      throw new ApiError('VALIDATION_FAILED', 'orderId must be a positive integer.');
    }
    const s = this.#s;
    s.core.query
      .order(orderId)
      .then((o) => {
        if (o === undefined || o.accountId !== p.accountId) throw new ApiError('ORDER_NOT_FOUND');
        return s.core.submit({ type: 'cancelOrder', accountId: p.accountId, orderId });
      })
      .then(
        (applied) => {
          const refused = rejectionError(applied);
          if (refused !== undefined) this.#reply(c, id, refused, applied.seq);
          else
            this.#send(
              c,
              JSON.stringify({
                type: 'ack',
                op: 'cancel',
                id: id ?? null,
                orderId,
                seq: applied.seq,
              }),
            );
        },
        (error: unknown) => this.#reply(c, id, toApiError(error)),
      );
  }

  #tradingPrincipal(c: Client): Principal {
    return tradingPrincipal(c.principal);
  }

  /** Arms (or disarms) the socket; every check runs before the socket's setting changes. */
  #armCancelOnDisconnect(
    c: Client,
    id: string | number | undefined,
    msg: Record<string, unknown>,
  ): void {
    this.#tradingPrincipal(c);
    const scope = cancelScopeOf(this.#s, msg);
    c.cancelOnDisconnect = scope;
    this.#send(
      c,
      JSON.stringify({
        type: 'ack',
        op: 'cancelOnDisconnect',
        id: id ?? null,
        enabled: scope !== undefined,
        market: scope === undefined || scope === 'allMarkets' ? null : scope.symbol,
      }),
    );
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

  #sendMarket(
    c: Client,
    m: MarketMessage,
    text: Buffer,
    frame: Buffer | undefined,
    index: number,
  ): void {
    const key = `book:${m.instrumentId}`;
    const stale = m.channel === 'book' && c.subs.get(key) === true;
    switch (decideMarketSend(m.channel, c.ws.bufferedAmount, stale, this.#opts)) {
      case 'disconnect':
        this.#terminate(c, 'slowConsumer');
        return;
      case 'skip':
        return;
      case 'skipAndMarkStale':
        c.subs.set(key, true);
        return;
      case 'resnapshot':
        // The hub's snapshot already includes this delta.
        c.subs.set(key, false);
        this.#s.metrics.wsConflations++;
        if (frame !== undefined && c.plainFrames) {
          const snapshot = Buffer.from(JSON.stringify(this.#s.hub.snapshot(m.instrumentId)));
          this.#queueFrame(c, textFrame(snapshot), undefined);
        } else {
          this.#sendRaw(
            c,
            JSON.stringify(this.#s.hub.snapshot(m.instrumentId)),
            this.#opts.compressMarketData,
          );
        }
        return;
      case 'send':
        if (frame !== undefined && c.plainFrames) this.#queueFrame(c, frame, index);
        else this.#sendRaw(c, text, this.#opts.compressMarketData);
        return;
    }
  }

  /**
   * Adds a frame to the socket's write for this broadcast. `index` names a shared frame (the
   * message's position in the broadcast); a socket's frames can be joined once for every socket
   * with the same indices, unless it also gets a frame of its own (`undefined`: a resnapshot).
   */
  #queueFrame(c: Client, frame: Buffer, index: number | undefined): void {
    const p = this.#pendingFrames.get(c);
    if (p === undefined) {
      this.#pendingFrames.set(c, {
        frames: [frame],
        key: index === undefined ? undefined : `${index}`,
      });
      return;
    }
    p.frames.push(frame);
    p.key = p.key === undefined || index === undefined ? undefined : `${p.key},${index}`;
  }

  #reply(c: Client, id: string | number | undefined, error: ApiError, seq?: number): void {
    const body = {
      type: 'error',
      id: id ?? null,
      ...error.body(),
      ...(seq === undefined ? {} : { seq }),
    };
    this.#send(c, JSON.stringify(body));
  }

  #send(c: Client, text: string): void {
    if (c.ws.bufferedAmount > this.#opts.disconnectBytes) {
      this.#terminate(c, 'slowConsumer');
      return;
    }
    this.#sendRaw(c, text, true);
  }

  #sendRaw(c: Client, text: string | Buffer, compress: boolean): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    this.#s.metrics.wsMessagesOut++;
    this.#corkForMicrotasks(c);
    c.ws.send(text, { compress, binary: false });
  }

  /**
   * Acks of one core batch are resolved together, so their callbacks run back to back as microtasks;
   * an uncork queued behind them sends them in one write without waiting for the end of the turn.
   */
  #corkForMicrotasks(c: Client): void {
    if (this.#ackCorked.has(c)) return;
    this.#ackCorked.add(c);
    rawSocket(c.ws)?.cork();
    if (this.#ackCorked.size === 1) {
      queueMicrotask(() => {
        for (const x of this.#ackCorked) rawSocket(x.ws)?.uncork();
        this.#ackCorked.clear();
      });
    }
  }

  /** Ends the socket at once (no closing handshake), remembering and counting why (once). */
  #terminate(c: Client, cause: CloseCause): void {
    if (c.closeCause === undefined) {
      c.closeCause = cause;
      if (cause === 'slowConsumer') this.#s.metrics.wsSlowConsumerDrops++;
      else if (cause === 'heartbeat') this.#s.metrics.wsHeartbeatCloses++;
    }
    c.ws.terminate();
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
    for (const key of c.subs.keys()) this.#topics.get(key)?.delete(c);
    if (c.principal !== undefined) {
      c.privateChannels.clear();
      this.#indexAccount(c, c.principal.accountId);
    }
    this.#s.metrics.wsConnections = this.#clients.size;
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
        this.#terminate(c, missedHeartbeatCause(c.ws.bufferedAmount));
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }
}

/** The principal of a socket that may trade, or the socket's error for one that may not. */
function tradingPrincipal(p: Principal | undefined): Principal {
  if (p === undefined) throw new ApiError('UNAUTHENTICATED');
  if (!p.scopes.has('trade'))
    throw new ApiError('FORBIDDEN', 'Order entry and cancel-on-disconnect need the trade scope.');
  return p;
}

interface RawSocket {
  cork(): void;
  uncork(): void;
  write(data: Buffer): boolean;
}

/** The TCP socket under a WebSocket (`ws` keeps it in `_socket`), for corking and frame writes. */
function rawSocket(ws: WebSocket): RawSocket | undefined {
  return (ws as unknown as { _socket?: RawSocket })._socket;
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
