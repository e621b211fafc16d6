// The public market-data messages of the native WebSocket, as they go on the wire: a market's book
// stream is a snapshot followed by deltas whose `seq` rises by exactly one (a subscriber that sees a
// gap resubscribes for a snapshot); trades, tickers, and per interval the open candle then its updates.
// Market data builds them, the gateway sends them, the SDK and the web UI read them.

/** A price level: [priceTicks, qtyLots, orderCount]. */
export type Level = readonly [priceTicks: number, qtyLots: number, orderCount: number];

export type CandleInterval = '1m' | '1h' | '1d';

/** A candle of `GET /markets/{market}/candles`: prices in ticks, volume in lots, integers throughout. */
export interface Candle {
  readonly instrumentId: number;
  readonly interval: CandleInterval;
  /** Start of the bucket, ms since the epoch (UTC, aligned to the interval). */
  readonly bucketTs: number;
  readonly openTicks: number;
  readonly highTicks: number;
  readonly lowTicks: number;
  readonly closeTicks: number;
  readonly volumeLots: number;
  /** Σ price × qty of the bucket's trades, in ticks·lots. */
  readonly notional: number;
  /** Number of trades in the bucket. */
  readonly tradeCount: number;
}

/**
 * A candle on the `candles` channel: the fields and values of the REST candle of the same bucket
 * (whose market and interval the message carries), plus `closed`.
 */
export interface LiveCandle extends Omit<Candle, 'instrumentId' | 'interval'> {
  /** True once a trade in a later bucket has ended it; no update follows for its bucket. */
  readonly closed: boolean;
}

export interface BookSnapshotMessage {
  readonly channel: 'book';
  readonly type: 'snapshot';
  readonly market: string;
  readonly instrumentId: number;
  /** The seq of the last delta folded into this snapshot; the next delta carries seq + 1. */
  readonly seq: number;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

export interface BookDeltaMessage {
  readonly channel: 'book';
  readonly type: 'delta';
  readonly market: string;
  readonly instrumentId: number;
  readonly seq: number;
  /** Changed levels with their new absolute size; qtyLots 0 removes the level. */
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

export interface PublicTrade {
  readonly tradeId: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly takerSide: 'buy' | 'sell';
  readonly ts: number;
}

export interface TradesMessage {
  readonly channel: 'trades';
  readonly type: 'trades';
  readonly market: string;
  readonly instrumentId: number;
  readonly trades: readonly PublicTrade[];
}

export interface TickerMessage {
  readonly channel: 'ticker';
  readonly type: 'ticker';
  readonly market: string;
  readonly instrumentId: number;
  readonly status: string;
  /** The whole exchange is halted: no market trades, whatever its own status says. */
  readonly tradingHalted: boolean;
  /** The market is paused by its circuit breaker (not by an operator). */
  readonly pausedByBreaker: boolean;
  /** While its circuit breaker keeps it paused: when it reopens by itself (ms since the epoch). */
  readonly reopensAt: number | null;
  readonly lastPriceTicks: number | null;
  readonly bestBidTicks: number | null;
  readonly bestAskTicks: number | null;
  readonly volume24hLots: number;
  readonly ts: number;
}

/**
 * A change of one market's candle of one interval: the open candle's latest state (at most one per
 * market, interval and flush), or, before the first candle of a new bucket, the previous one with
 * `closed: true`, sent exactly once.
 */
export interface CandleMessage extends LiveCandle {
  readonly channel: 'candles';
  readonly type: 'candle';
  readonly market: string;
  readonly instrumentId: number;
  readonly interval: CandleInterval;
}

/** What a `candles` subscriber gets first: the open candle, if the market has traded in its bucket. */
export interface CandleSnapshotMessage {
  readonly channel: 'candles';
  readonly type: 'snapshot';
  readonly market: string;
  readonly instrumentId: number;
  readonly interval: CandleInterval;
  readonly candle: LiveCandle | null;
  /**
   * False when the server could not load the open candles from history at start: this candle (or its
   * absence) then counts only the trades the server has seen since, and REST has the whole bucket.
   */
  readonly complete: boolean;
}

export type MarketMessage =
  | BookSnapshotMessage
  | BookDeltaMessage
  | TradesMessage
  | TickerMessage
  | CandleMessage
  | CandleSnapshotMessage;
