// Kalshi's WebSocket API at `/trade-api/ws/v2`: a signed handshake (the native authenticator, message
// `timestamp + GET + /trade-api/ws/v2`), the `subscribe` / `unsubscribe` / `update_subscription` /
// `list_subscriptions` commands with per-connection `sid`s, and the channels fed from the hub's
// flushed market data and the engine's events. Each `orderbook_delta` subscription gets a snapshot per
// market first and then one delta per changed level, with `seq` rising by exactly one per message; a
// subscriber too slow to keep up loses the subscription (error 25) instead of growing a buffer.
// Withdrawn credentials close a connection at once (1008 CREDENTIALS_REVOKED); one opened with a web
// session cookie also closes when the session expires (1008 CREDENTIALS_EXPIRED), and the cookie opens
// one only from a page of this origin (403 forbidden otherwise, as on the native socket).

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BinarySpec } from '@bourse/engine';
import {
  EXPIRED_CLOSE_REASON,
  ExpirySchedule,
  limitKey,
  missedHeartbeatCause,
  type Principal,
  REVOKED_CLOSE_CODE,
  REVOKED_CLOSE_REASON,
  revokes,
} from '@bourse/gateway';
import type { Level, MarketMessage, TickerMessage } from '@bourse/marketdata';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { KalshiDeps } from '../rest/kalshi-route.ts';
import { BookMirror } from './book-mirror.ts';
import { handshakePrincipal, KALSHI_WS_PATH } from './handshake.ts';
import type { PrivateEvents } from './private-events.ts';
import {
  type Channel,
  type Client,
  isChannel,
  isPrivate,
  marketsParam,
  type Sub,
  watches,
} from './ws-client.ts';
import { deltaMsg, snapshotMsg, tickerMsg, tradeMsg } from './ws-messages.ts';
import { type Command, parseCommand, requireParams, WsError, WS_ERROR } from './ws-protocol.ts';

export { KALSHI_WS_PATH };

export interface KalshiWsOptions {
  /** Interval of the server's `heartbeat` pings; a client that missed the last one is dropped. */
  readonly heartbeatMs: number;
  /** Above this many buffered bytes an orderbook subscription is ended with error 25. */
  readonly conflateBytes: number;
  /** Above this many buffered bytes the connection is closed. */
  readonly disconnectBytes: number;
  readonly maxSubscriptions: number;
  /** How often connections whose session expired are looked for (O(1) while none is due). */
  readonly expiryCheckMs: number;
}

export const DEFAULT_KALSHI_WS_OPTIONS: KalshiWsOptions = {
  heartbeatMs: 10_000,
  conflateBytes: 1 << 20,
  disconnectBytes: 16 << 20,
  maxSubscriptions: 500,
  expiryCheckMs: 1_000,
};

export class KalshiWs {
  readonly #deps: KalshiDeps;
  readonly #events: PrivateEvents;
  readonly #opts: KalshiWsOptions;
  readonly #wss: WebSocketServer;
  readonly #clients = new Set<Client>();
  readonly #byAccount = new Map<number, Set<Client>>();
  /** Account → how many of its connections hold at least one private subscription. */
  readonly #listening = new Map<number, number>();
  readonly #mirrors = new Map<number, BookMirror>();
  readonly #lastTradeLots = new Map<number, number>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #expiries = new ExpirySchedule<Client>();
  readonly #expiryCheck: NodeJS.Timeout;
  readonly #stopRevocations: () => void;

  constructor(deps: KalshiDeps, events: PrivateEvents, opts: KalshiWsOptions) {
    this.#deps = deps;
    this.#events = events;
    this.#opts = opts;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    this.#heartbeat = setInterval(() => this.#beat(), opts.heartbeatMs);
    this.#heartbeat.unref();
    this.#expiryCheck = setInterval(() => this.#closeExpired(), opts.expiryCheckMs);
    this.#expiryCheck.unref();
    // Connections are authenticated once; withdrawn credentials end them at once.
    this.#stopRevocations = deps.services.authenticator.onRevoked((r) => {
      for (const c of this.#clients) {
        if (!revokes(r, c.principal)) continue;
        deps.services.metrics.wsRevokedCloses++;
        c.ws.close(REVOKED_CLOSE_CODE, REVOKED_CLOSE_REASON);
        this.#drop(c);
      }
    });
  }

  get connections(): number {
    return this.#clients.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Credentials may be looked up in a shared store, so the handshake answers asynchronously.
    void handshakePrincipal(this.#deps, req, socket).then((p) => {
      if (p !== undefined && !socket.destroyed) {
        this.#wss.handleUpgrade(req, socket, head, (ws) => this.#connect(ws, p));
      }
    });
  }

  /** True when some connection of the account is subscribed to a private channel. */
  wantsPrivate(accountId: number): boolean {
    return this.#listening.has(accountId);
  }

  /** Sends one flush of market data, then the private and lifecycle messages gathered since. */
  publish(messages: readonly MarketMessage[]): void {
    for (const m of messages) {
      const spec = this.#spec(m.instrumentId);
      if (spec === undefined) continue;
      if (m.channel === 'book' && m.type === 'delta') this.#bookDelta(spec, m.bids, m.asks);
      else if (m.channel === 'trades') {
        const last = m.trades.at(-1);
        if (last !== undefined) this.#lastTradeLots.set(spec.instrumentId, last.qtyLots);
        for (const t of m.trades)
          this.#fanOut('trade', spec.instrumentId, 'trade', () => tradeMsg(spec, t));
      } else if (m.channel === 'ticker') void this.#ticker(spec, m, undefined);
    }
    const items = this.#events.pending;
    this.#events.pending = [];
    for (const item of items) {
      const clients = this.#byAccount.get(item.accountId);
      if (clients === undefined) continue;
      for (const c of clients) {
        for (const sub of c.subs.values()) {
          if (sub.channel !== item.channel || !watches(sub, item.instrumentId)) continue;
          const msg = item.build(c.principal.userId);
          this.#send(c, JSON.stringify({ type: item.type, sid: sub.sid, msg }));
        }
      }
    }
    this.#events.ownLevels.clear();
    const lifecycle = this.#events.lifecycle;
    this.#events.lifecycle = [];
    for (const l of lifecycle) {
      this.#fanOut('market_lifecycle_v2', l.instrumentId, 'market_lifecycle_v2', () => l.msg);
    }
  }

  close(): Promise<void> {
    clearInterval(this.#heartbeat);
    clearInterval(this.#expiryCheck);
    this.#stopRevocations();
    for (const c of this.#clients) c.ws.terminate();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }

  #spec(instrumentId: number): BinarySpec | undefined {
    const spec = this.#deps.services.hub.market(instrumentId)?.spec;
    return spec?.kind === 'binary' ? spec : undefined;
  }

  #connect(ws: WebSocket, principal: Principal): void {
    const c: Client = {
      ws,
      principal,
      subs: new Map(),
      privateSubs: 0,
      nextSid: 1,
      expiry: undefined,
      alive: true,
      queue: undefined,
    };
    this.#clients.add(c);
    if (principal.expiresAt !== undefined) c.expiry = this.#expiries.add(c, principal.expiresAt);
    let set = this.#byAccount.get(principal.accountId);
    if (set === undefined) this.#byAccount.set(principal.accountId, (set = new Set()));
    set.add(c);
    ws.on('pong', () => {
      c.alive = true;
    });
    ws.on('message', (data, isBinary) => this.#onMessage(c, data, isBinary));
    ws.on('close', () => this.#drop(c));
    ws.on('error', () => ws.terminate());
  }

  #onMessage(c: Client, data: RawData, isBinary: boolean): void {
    // Behind a command that waits, later commands wait too, so each connection keeps its order.
    const wait =
      c.queue === undefined
        ? this.#command(c, data, isBinary)
        : c.queue.then(() => this.#command(c, data, isBinary));
    if (wait === undefined) return;
    const queue: Promise<void> = wait.then(() => {
      if (c.queue === queue) c.queue = undefined;
    });
    c.queue = queue;
  }

  /** Runs one command; returns a promise when it must first wait (see `#volumesFirst`). */
  #command(c: Client, data: RawData, isBinary: boolean): Promise<void> | undefined {
    let id: number | null = null;
    try {
      const cmd = parseCommand(data, isBinary);
      id = cmd.id;
      const s = this.#deps.services;
      const r = this.#deps.buckets.take(limitKey(c.principal), this.#deps.limits.perKey, s.clock());
      if (!r.ok) throw new WsError(WS_ERROR.commandRateLimit, 'Too many commands.');
      const first = this.#volumesFirst(c, cmd);
      if (first === undefined) this.#dispatch(c, cmd);
      else {
        return first.then(
          () => this.#safely(c, cmd.id, () => this.#dispatch(c, cmd)),
          (error: unknown) => this.#fail(c, cmd.id, error),
        );
      }
    } catch (error) {
      this.#fail(c, id, error);
    }
    return undefined;
  }

  /**
   * A `market_positions` subscription starts once the account's traded volume before this process is
   * loaded, so its first `volume_fp` is already the whole volume.
   */
  #volumesFirst(c: Client, cmd: Command): Promise<void> | undefined {
    if (cmd.cmd !== 'subscribe') return undefined;
    const channels = (cmd.params as { channels?: unknown } | null)?.channels;
    if (!Array.isArray(channels) || !channels.includes('market_positions')) return undefined;
    const volumes = this.#events.volumes;
    const account = c.principal.accountId;
    return volumes.isReady(account) ? undefined : volumes.ready(account);
  }

  #safely(c: Client, id: number | null, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#fail(c, id, error);
    }
  }

  #fail(c: Client, id: number | null, error: unknown): void {
    const e = error instanceof WsError ? error : new WsError(WS_ERROR.internal, 'Internal error.');
    if (!(error instanceof WsError)) this.#deps.services.logger.error('kalshi ws', { error });
    this.#send(c, JSON.stringify({ id, type: 'error', msg: e.body() }));
  }

  #dispatch(c: Client, cmd: Command): void {
    switch (cmd.cmd) {
      case 'subscribe':
        return this.#subscribe(c, cmd);
      case 'unsubscribe':
        return this.#unsubscribe(c, cmd);
      case 'update_subscription':
        return this.#update(c, cmd);
      case 'list_subscriptions':
        this.#send(
          c,
          JSON.stringify({
            id: cmd.id,
            type: 'ok',
            msg: [...c.subs.values()].map((s) => ({ channel: s.channel, sid: s.sid })),
          }),
        );
        return;
      default:
        throw new WsError(WS_ERROR.unknownCommand, `Unknown command ${String(cmd.cmd)}.`);
    }
  }

  #subscribe(c: Client, cmd: Command): void {
    const params = requireParams(cmd);
    const channels = params.channels;
    if (!Array.isArray(channels) || channels.length === 0) {
      throw new WsError(WS_ERROR.channelsRequired, 'params.channels is required.');
    }
    for (const ch of channels) {
      if (!isChannel(ch))
        throw new WsError(WS_ERROR.unknownChannel, `Unknown channel ${String(ch)}.`);
    }
    const markets = marketsParam(params, (t) => this.#resolve(t));
    if (channels.includes('orderbook_delta') && markets === undefined) {
      throw new WsError(WS_ERROR.marketTickerRequired, 'orderbook_delta needs market_ticker(s).');
    }
    if (c.subs.size + channels.length > this.#opts.maxSubscriptions) {
      throw new WsError(WS_ERROR.invalidParameter, 'Too many subscriptions on one connection.');
    }
    for (const channel of channels as Channel[]) {
      const sub: Sub = {
        sid: c.nextSid++,
        channel,
        markets:
          channel === 'market_lifecycle_v2' || markets === undefined ? undefined : new Set(markets),
        seq: 0,
        yesPrices: params.use_yes_price === true,
      };
      c.subs.set(sub.sid, sub);
      if (isPrivate(channel)) this.#privateSub(c, 1);
      this.#send(
        c,
        JSON.stringify({ id: cmd.id, type: 'subscribed', msg: { channel, sid: sub.sid } }),
      );
      if (channel === 'orderbook_delta') for (const m of markets!) this.#snapshot(c, sub, m);
      if (channel === 'ticker' && params.send_initial_snapshot === true) {
        for (const m of markets ?? []) {
          const spec = this.#spec(m);
          const t = this.#deps.services.hub.ticker(m);
          if (spec !== undefined && t !== undefined) void this.#ticker(spec, t, { c, sub });
        }
      }
    }
  }

  #unsubscribe(c: Client, cmd: Command): void {
    const sids = requireParams(cmd).sids;
    if (!Array.isArray(sids) || sids.length === 0) {
      throw new WsError(WS_ERROR.sidsRequired, 'params.sids is required.');
    }
    for (const sid of sids) {
      const sub = typeof sid === 'number' ? c.subs.get(sid) : undefined;
      if (sub === undefined) {
        this.#send(
          c,
          JSON.stringify({
            id: cmd.id,
            type: 'error',
            msg: new WsError(WS_ERROR.unknownSid, `Unknown sid ${String(sid)}.`).body(),
          }),
        );
        continue;
      }
      this.#end(c, sub);
      this.#send(
        c,
        JSON.stringify({ id: cmd.id, sid: sub.sid, seq: sub.seq, type: 'unsubscribed' }),
      );
    }
  }

  #update(c: Client, cmd: Command): void {
    const params = requireParams(cmd);
    const sids = params.sids;
    const sid =
      typeof params.sid === 'number'
        ? params.sid
        : Array.isArray(sids) && sids.length === 1 && typeof sids[0] === 'number'
          ? sids[0]
          : undefined;
    if (sid === undefined) throw new WsError(WS_ERROR.exactlyOneSid, 'Send exactly one sid.');
    const sub = c.subs.get(sid);
    if (sub === undefined) throw new WsError(WS_ERROR.unknownSid, `Unknown sid ${sid}.`);
    const action = params.action;
    if (action === undefined)
      throw new WsError(WS_ERROR.actionRequired, 'params.action is required.');
    if (action !== 'add_markets' && action !== 'delete_markets' && action !== 'get_snapshot') {
      throw new WsError(WS_ERROR.unsupportedAction, `Unsupported action ${String(action)}.`);
    }
    const markets = marketsParam(params, (t) => this.#resolve(t));
    if (action === 'get_snapshot') {
      if (sub.channel !== 'orderbook_delta') {
        throw new WsError(WS_ERROR.unsupportedAction, 'get_snapshot is for orderbook_delta.');
      }
      for (const m of markets ?? sub.markets ?? []) if (watches(sub, m)) this.#snapshot(c, sub, m);
    } else {
      if (markets === undefined) {
        throw new WsError(WS_ERROR.marketTickerRequired, 'market_ticker(s) is required.');
      }
      if (sub.markets === undefined) {
        throw new WsError(WS_ERROR.unsupportedAction, 'This subscription covers every market.');
      }
      for (const m of markets) {
        if (action === 'add_markets' && !sub.markets.has(m)) {
          sub.markets.add(m);
          if (sub.channel === 'orderbook_delta') this.#snapshot(c, sub, m);
        } else if (action === 'delete_markets') sub.markets.delete(m);
      }
      this.#pruneMirrors();
    }
    const tickers = [...(sub.markets ?? [])].map((m) => this.#spec(m)?.symbol ?? String(m));
    this.#send(
      c,
      JSON.stringify({
        id: cmd.id,
        sid,
        seq: sub.seq,
        type: 'ok',
        msg: { market_tickers: tickers },
      }),
    );
  }

  /** A ticker's instrument id when it names a binary market. */
  #resolve(ticker: string): number | undefined {
    const id = this.#deps.services.hub.resolve(ticker);
    return id !== undefined && this.#spec(id)?.symbol === ticker ? id : undefined;
  }

  #mirror(instrumentId: number): BookMirror {
    let m = this.#mirrors.get(instrumentId);
    if (m === undefined) {
      const snap = this.#deps.services.hub.snapshot(instrumentId);
      m = new BookMirror(snap?.bids ?? [], snap?.asks ?? []);
      this.#mirrors.set(instrumentId, m);
    }
    return m;
  }

  #snapshot(c: Client, sub: Sub, instrumentId: number): void {
    const spec = this.#spec(instrumentId);
    if (spec === undefined) return;
    const msg = snapshotMsg(spec, this.#mirror(instrumentId).levels(), sub.yesPrices);
    sub.seq += 1;
    this.#sendBook(
      c,
      sub,
      JSON.stringify({ type: 'orderbook_snapshot', sid: sub.sid, seq: sub.seq, msg }),
    );
  }

  #bookDelta(spec: BinarySpec, bids: readonly Level[], asks: readonly Level[]): void {
    const mirror = this.#mirrors.get(spec.instrumentId);
    if (mirror === undefined) return;
    const changes = [...mirror.apply('buy', bids), ...mirror.apply('sell', asks)];
    if (changes.length === 0) return;
    const subscribers = this.#subscribers('orderbook_delta', spec.instrumentId);
    if (subscribers.length === 0) return;
    const ts =
      this.#deps.services.hub.market(spec.instrumentId)?.lastTs ?? this.#deps.services.clock();
    const noPrices = changes.map((ch) => deltaMsg(spec, ch, ts));
    const yesPrices = changes.map((ch) => deltaMsg(spec, ch, ts, true));
    const own = this.#events.ownLevels;
    const anyOwn = own.touched(spec.instrumentId);
    for (const { c, sub } of subscribers) {
      const msgs = sub.yesPrices ? yesPrices : noPrices;
      for (let i = 0; i < msgs.length; i++) {
        const ch = changes[i]!;
        // The subscriber's own order behind this change: only its own client order id, never another's.
        const cid = anyOwn
          ? own.owner(spec.instrumentId, ch.side, ch.priceTicks, c.principal.accountId)
          : undefined;
        const msg = cid === undefined ? msgs[i] : { ...msgs[i], client_order_id: cid };
        sub.seq += 1;
        const text = JSON.stringify({ type: 'orderbook_delta', sid: sub.sid, seq: sub.seq, msg });
        if (!this.#sendBook(c, sub, text)) break;
      }
    }
  }

  async #ticker(spec: BinarySpec, t: TickerMessage, only: { c: Client; sub: Sub } | undefined) {
    const targets = only === undefined ? this.#subscribers('ticker', spec.instrumentId) : [only];
    if (targets.length === 0) return;
    const view = await this.#deps.services.core.query.instrument(spec.instrumentId);
    const top = this.#deps.services.hub.market(spec.instrumentId)?.book.depth(1);
    const msg = tickerMsg(
      spec,
      t,
      { bid: top?.bids[0], ask: top?.asks[0] },
      {
        openInterestLots: view?.openInterestLots ?? 0,
        lastTradeLots: this.#lastTradeLots.get(spec.instrumentId) ?? 0,
      },
    );
    for (const { c, sub } of targets)
      this.#send(c, JSON.stringify({ type: 'ticker', sid: sub.sid, msg }));
  }

  #subscribers(channel: Channel, instrumentId: number): { c: Client; sub: Sub }[] {
    const out: { c: Client; sub: Sub }[] = [];
    for (const c of this.#clients) {
      for (const sub of c.subs.values()) {
        if (sub.channel === channel && watches(sub, instrumentId)) out.push({ c, sub });
      }
    }
    return out;
  }

  /** `build` runs only when someone subscribes: with no Kalshi listeners a trade costs nothing here. */
  #fanOut(channel: Channel, instrumentId: number, type: string, build: () => object): void {
    const subscribers = this.#subscribers(channel, instrumentId);
    if (subscribers.length === 0) return;
    const msg = build();
    let text: string | undefined;
    let sid = -1;
    for (const { c, sub } of subscribers) {
      if (sub.sid !== sid) {
        text = JSON.stringify({ type, sid: sub.sid, msg });
        sid = sub.sid;
      }
      this.#send(c, text!);
    }
  }

  /** Sends an orderbook message, or ends the subscription with error 25 when the client lags. */
  #sendBook(c: Client, sub: Sub, text: string): boolean {
    if (c.ws.bufferedAmount > this.#opts.conflateBytes) {
      this.#end(c, sub);
      this.#send(
        c,
        JSON.stringify({
          id: null,
          type: 'error',
          msg: {
            ...new WsError(
              WS_ERROR.bufferOverflow,
              'Subscription buffer overflow; resubscribe.',
            ).body(),
            sid: sub.sid,
          },
        }),
      );
      return false;
    }
    this.#send(c, text);
    return true;
  }

  #send(c: Client, text: string): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (c.ws.bufferedAmount > this.#opts.disconnectBytes) {
      this.#deps.services.metrics.wsSlowConsumerDrops++;
      c.ws.terminate();
      return;
    }
    c.ws.send(text);
  }

  #end(c: Client, sub: Sub): void {
    c.subs.delete(sub.sid);
    if (isPrivate(sub.channel)) this.#privateSub(c, -1);
    if (sub.channel === 'orderbook_delta') this.#pruneMirrors();
  }

  /** Drops mirrors of markets no orderbook subscription watches any more. */
  #pruneMirrors(): void {
    const watched = new Set<number>();
    for (const c of this.#clients) {
      for (const sub of c.subs.values()) {
        if (sub.channel === 'orderbook_delta') for (const m of sub.markets ?? []) watched.add(m);
      }
    }
    for (const id of this.#mirrors.keys()) if (!watched.has(id)) this.#mirrors.delete(id);
  }

  #drop(c: Client): void {
    if (!this.#clients.delete(c)) return;
    if (c.expiry !== undefined) this.#expiries.remove(c.expiry);
    const set = this.#byAccount.get(c.principal.accountId);
    set?.delete(c);
    if (set?.size === 0) this.#byAccount.delete(c.principal.accountId);
    if (c.privateSubs > 0) this.#listen(c.principal.accountId, -1);
    this.#pruneMirrors();
  }

  /** A private subscription added (+1) or ended (−1) on a connection. */
  #privateSub(c: Client, delta: 1 | -1): void {
    c.privateSubs += delta;
    if (!this.#clients.has(c)) return;
    if (delta === 1 ? c.privateSubs === 1 : c.privateSubs === 0) {
      this.#listen(c.principal.accountId, delta);
    }
  }

  /** Counts one connection of the account in (+1) or out (−1) of the private listeners. */
  #listen(accountId: number, delta: 1 | -1): void {
    const n = (this.#listening.get(accountId) ?? 0) + delta;
    if (n > 0) this.#listening.set(accountId, n);
    else this.#listening.delete(accountId);
  }

  /** Connections whose session has expired end, with a reason of their own. */
  #closeExpired(): void {
    if (this.#expiries.size === 0) return;
    const s = this.#deps.services;
    for (const c of this.#expiries.due(s.clock())) {
      s.metrics.wsExpiredCloses++;
      c.ws.close(REVOKED_CLOSE_CODE, EXPIRED_CLOSE_REASON);
      this.#drop(c);
    }
  }

  #beat(): void {
    for (const c of this.#clients) {
      if (!c.alive) {
        // Counted as the gateway's own sockets are: a backlog means a reader that stopped reading.
        const m = this.#deps.services.metrics;
        if (missedHeartbeatCause(c.ws.bufferedAmount) === 'slowConsumer') m.wsSlowConsumerDrops++;
        else m.wsHeartbeatCloses++;
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping('heartbeat');
    }
  }
}
