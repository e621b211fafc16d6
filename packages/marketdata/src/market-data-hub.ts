// Turns the engine's event stream into public market data: per market an L2 book with its own sequence
// number, trades, a ticker (status, the exchange's halt, a circuit breaker's pause) and open candles.
// Events accumulate until `flush()`, which the gateway calls once per turn of the event loop, so a
// burst of commands becomes one delta (and one update per candle) per market. Pure logic: no clock,
// no I/O; where "now" matters, the caller passes it.

import type {
  BookLevel,
  BookView,
  EngineEvent,
  Fill,
  InstrumentSpec,
  MarketStatus,
  Side,
} from '@bourse/engine';
import { bucketStart, type CandleInterval, INTERVAL_MS } from './candle-intervals.ts';
import { L2Book, type Level } from './l2-book.ts';
import { type LiveCandle, LiveCandles } from './live-candles.ts';
import type {
  BookDeltaMessage,
  BookSnapshotMessage,
  CandleSnapshotMessage,
  MarketMessage,
  PublicTrade,
  TickerMessage,
} from './market-messages.ts';
import { RollingVolume } from './rolling-volume.ts';

/** One applied command as the hub needs it (the exchange core's `AppliedCommand` fits). */
export interface AppliedEvents {
  readonly seq: number;
  readonly ts: number;
  readonly events: readonly EngineEvent[];
}

/**
 * A market's newest candle of one interval from history, to start live candles: the read models'
 * `CandleRow` fits as it is (same names, same integers, notional included).
 */
export interface SeedCandle extends Omit<LiveCandle, 'closed'> {
  readonly instrumentId: number;
  readonly interval: CandleInterval;
}

export interface MarketState {
  readonly spec: InstrumentSpec;
  status: MarketStatus;
  /** While its circuit breaker keeps it paused: when it reopens (ms since the epoch), else 0. */
  reopensAt: number;
  lastPriceTicks: number | undefined;
  /** Sequence number of the last book delta emitted. */
  seq: number;
  lastTs: number;
  readonly book: L2Book;
  readonly volume: RollingVolume;
  readonly candles: LiveCandles;
  /** Replaced by a flush that used them, never cleared (decision 0950), as is the hub's `#dirty`. */
  pendingBids: Map<number, Level>;
  pendingAsks: Map<number, Level>;
  readonly pendingTrades: PublicTrade[];
  tickerDirty: boolean;
}

export class MarketDataHub {
  readonly #markets = new Map<number, MarketState>();
  readonly #bySymbol = new Map<string, number>();
  #dirty = new Set<number>();
  /** Trades of commands up to this seq are in the seeded candles already. */
  #candlesSeededSeq = 0;
  #candlesSeeded = false;
  /** Timestamp of the first command applied: trades before it were never seen here. */
  #firstTs: number | undefined;
  /** The exchange-wide halt: every ticker carries it, so a screen following any market hears it. */
  #halted = false;

  /** The halt as the engine reported it at start-up (the events carry every change after). */
  setHalted(halted: boolean): void {
    this.#halted = halted;
  }

  /**
   * Registers a market with its current book (from the engine's depth query at start-up) and, when
   * its circuit breaker keeps it paused, when it reopens.
   */
  load(
    spec: InstrumentSpec,
    status: MarketStatus,
    lastPriceTicks: number | undefined,
    book?: BookView,
    reopensAt?: number,
  ): void {
    const state = this.#ensure(spec);
    state.status = status;
    state.reopensAt = reopensAt ?? 0;
    state.lastPriceTicks = lastPriceTicks;
    if (book !== undefined) state.book.reset(book.bids, book.asks);
  }

  /** Adds traded volume from history (per-minute buckets) so a restarted gateway keeps its 24h figure. */
  seedVolume(instrumentId: number, buckets: readonly { ts: number; qtyLots: number }[]): void {
    const m = this.#markets.get(instrumentId);
    if (m === undefined) return;
    for (const b of buckets) {
      m.volume.add(b.ts, b.qtyLots);
      if (b.ts > m.lastTs) m.lastTs = b.ts;
    }
  }

  /**
   * Starts the open candles from history, before the first `apply`: `candles` are the read models'
   * newest candle per market and interval as of command `asOfSeq`, and trades of commands up to that
   * seq, which they already count, are not counted again when they are applied. Without a seed, a
   * candle whose bucket began before the first applied command is marked incomplete in snapshots.
   */
  seedCandles(asOfSeq: number, candles: readonly SeedCandle[]): void {
    this.#candlesSeededSeq = asOfSeq;
    this.#candlesSeeded = true;
    for (const c of candles) {
      const m = this.#markets.get(c.instrumentId);
      if (m === undefined) continue;
      m.candles.seed(c.interval, c);
    }
  }

  /** Folds one applied command's events into the pending changes. */
  apply(applied: AppliedEvents): void {
    this.#firstTs ??= applied.ts;
    for (const event of applied.events) this.#applyEvent(event, applied.seq, applied.ts);
  }

  /** Returns the messages for every market that changed since the last flush, each serialisable once. */
  flush(): MarketMessage[] {
    const out: MarketMessage[] = [];
    if (this.#dirty.size === 0) return out;
    const dirty = this.#dirty;
    this.#dirty = new Set();
    for (const id of dirty) {
      const m = this.#markets.get(id);
      if (m === undefined) continue;
      const bids = applyPending(m.book, 'buy', m.pendingBids);
      const asks = applyPending(m.book, 'sell', m.pendingAsks);
      if (m.pendingBids.size > 0) m.pendingBids = new Map();
      if (m.pendingAsks.size > 0) m.pendingAsks = new Map();
      if (bids.length > 0 || asks.length > 0) {
        m.seq += 1;
        m.tickerDirty = true;
        const delta: BookDeltaMessage = {
          channel: 'book',
          type: 'delta',
          market: m.spec.symbol,
          instrumentId: id,
          seq: m.seq,
          bids,
          asks,
        };
        out.push(delta);
      }
      if (m.pendingTrades.length > 0) {
        const trades = m.pendingTrades.splice(0);
        out.push({
          channel: 'trades',
          type: 'trades',
          market: m.spec.symbol,
          instrumentId: id,
          trades,
        });
      }
      if (m.tickerDirty) {
        m.tickerDirty = false;
        out.push(this.#ticker(m));
      }
      for (const { interval, candle } of m.candles.flush()) {
        out.push({
          channel: 'candles',
          type: 'candle',
          market: m.spec.symbol,
          instrumentId: id,
          interval,
          ...candle,
        });
      }
    }
    return out;
  }

  /** The book as of the last flush: pending changes reach it only with the delta that announces them. */
  snapshot(instrumentId: number, depth?: number): BookSnapshotMessage | undefined {
    const m = this.#markets.get(instrumentId);
    if (m === undefined) return undefined;
    const book = m.book.depth(depth);
    return {
      channel: 'book',
      type: 'snapshot',
      market: m.spec.symbol,
      instrumentId,
      seq: m.seq,
      bids: book.bids,
      asks: book.asks,
    };
  }

  /**
   * The open candle of `interval` as of the last flush, or null when the market has not traded in the
   * bucket that holds `nowTs` (the caller's clock: the last candle's bucket may be long over).
   */
  candleSnapshot(
    instrumentId: number,
    interval: CandleInterval,
    nowTs: number,
  ): CandleSnapshotMessage | undefined {
    const m = this.#markets.get(instrumentId);
    if (m === undefined) return undefined;
    const current = m.candles.current(interval);
    const candle =
      current !== undefined && nowTs < current.bucketTs + INTERVAL_MS[interval] ? current : null;
    const bucket = candle?.bucketTs ?? bucketStart(nowTs, interval);
    return {
      channel: 'candles',
      type: 'snapshot',
      market: m.spec.symbol,
      instrumentId,
      interval,
      candle,
      // Unseeded, only a bucket that began after the first command seen can hold every trade.
      complete: this.#candlesSeeded || (this.#firstTs !== undefined && bucket > this.#firstTs),
    };
  }

  ticker(instrumentId: number): TickerMessage | undefined {
    const m = this.#markets.get(instrumentId);
    return m === undefined ? undefined : this.#ticker(m);
  }

  market(instrumentId: number): MarketState | undefined {
    return this.#markets.get(instrumentId);
  }

  /** Resolves a market reference: its symbol or its numeric instrument id. */
  resolve(ref: string | number): number | undefined {
    if (typeof ref === 'number') return this.#markets.has(ref) ? ref : undefined;
    const bySymbol = this.#bySymbol.get(ref);
    if (bySymbol !== undefined) return bySymbol;
    if (/^[0-9]+$/.test(ref)) return this.resolve(Number(ref));
    return undefined;
  }

  markets(): MarketState[] {
    return [...this.#markets.values()];
  }

  #ensure(spec: InstrumentSpec): MarketState {
    let m = this.#markets.get(spec.instrumentId);
    if (m === undefined) {
      m = {
        spec,
        status: 'created',
        reopensAt: 0,
        lastPriceTicks: undefined,
        seq: 0,
        lastTs: 0,
        book: new L2Book(),
        volume: new RollingVolume(),
        candles: new LiveCandles(),
        pendingBids: new Map(),
        pendingAsks: new Map(),
        pendingTrades: [],
        tickerDirty: false,
      };
      this.#markets.set(spec.instrumentId, m);
      this.#bySymbol.set(spec.symbol, spec.instrumentId);
    }
    return m;
  }

  #applyEvent(event: EngineEvent, seq: number, ts: number): void {
    switch (event.type) {
      case 'instrumentCreated':
        this.#ensure(event.spec);
        return;
      case 'haltChanged':
        this.#halted = event.halted;
        for (const id of this.#markets.keys()) {
          this.#touch(id, ts, (m) => {
            m.tickerDirty = true;
          });
        }
        return;
      case 'marketStatusChanged':
        return this.#touch(event.instrumentId, ts, (m) => {
          m.status = event.status;
          m.tickerDirty = true;
        });
      case 'circuitBreakerChanged':
        return this.#touch(event.instrumentId, ts, (m) => {
          m.reopensAt = event.reopensAt ?? 0;
          m.tickerDirty = true;
        });
      case 'bookLevel':
        return this.#bookLevel(event, ts);
      case 'fill':
        return this.#fill(event, seq, ts);
      default:
        return;
    }
  }

  // The two events of every order (book levels, fills) change their market without a closure each:
  // on the gateway thread at tens of thousands of orders a second, every object per event is
  // garbage that brings the next scavenge closer.
  #bookLevel(event: BookLevel, ts: number): void {
    const m = this.#markets.get(event.instrumentId);
    if (m === undefined) return;
    // Last write per level wins; the book itself changes only at flush, with the delta.
    const pending = event.side === 'buy' ? m.pendingBids : m.pendingAsks;
    const level = pending.get(event.priceTicks) as [number, number, number] | undefined;
    if (level === undefined) {
      pending.set(event.priceTicks, [event.priceTicks, event.qtyLots, event.orderCount]);
    } else {
      level[1] = event.qtyLots;
      level[2] = event.orderCount;
    }
    this.#touched(m, event.instrumentId, ts);
  }

  #fill(event: Fill, seq: number, ts: number): void {
    const m = this.#markets.get(event.instrumentId);
    if (m === undefined) return;
    m.lastPriceTicks = event.priceTicks;
    m.volume.add(ts, event.qtyLots);
    if (seq > this.#candlesSeededSeq) m.candles.trade(ts, event.priceTicks, event.qtyLots);
    m.pendingTrades.push({
      tradeId: event.tradeId,
      priceTicks: event.priceTicks,
      qtyLots: event.qtyLots,
      takerSide: event.takerSide,
      ts,
    });
    m.tickerDirty = true;
    this.#touched(m, event.instrumentId, ts);
  }

  #touched(m: MarketState, instrumentId: number, ts: number): void {
    m.lastTs = ts;
    this.#dirty.add(instrumentId);
  }

  #touch(instrumentId: number, ts: number, change: (m: MarketState) => void): void {
    const m = this.#markets.get(instrumentId);
    if (m === undefined) return;
    change(m);
    m.lastTs = ts;
    this.#dirty.add(instrumentId);
  }

  #ticker(m: MarketState): TickerMessage {
    return {
      channel: 'ticker',
      type: 'ticker',
      market: m.spec.symbol,
      instrumentId: m.spec.instrumentId,
      status: m.status,
      tradingHalted: this.#halted,
      pausedByBreaker: m.status === 'paused' && m.reopensAt > 0,
      reopensAt: m.status === 'paused' && m.reopensAt > 0 ? m.reopensAt : null,
      lastPriceTicks: m.lastPriceTicks ?? null,
      bestBidTicks: m.book.bestBid() ?? null,
      bestAskTicks: m.book.bestAsk() ?? null,
      volume24hLots: m.volume.total(m.lastTs),
      ts: m.lastTs,
    };
  }
}

/**
 * Applies pending levels to the book (the caller then drops the map); returns those that really
 * changed, in price order.
 */
function applyPending(book: L2Book, side: Side, pending: ReadonlyMap<number, Level>): Level[] {
  if (pending.size === 0) return [];
  const changed: Level[] = [];
  for (const level of pending.values()) {
    if (book.set(side, level[0], level[1], level[2])) changed.push(level);
  }
  return changed.sort(side === 'buy' ? (a, b) => b[0] - a[0] : (a, b) => a[0] - b[0]);
}
