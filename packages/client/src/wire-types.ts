// The shapes of the API's JSON, for SDK users. Prices are integer ticks, quantities integer lots and
// money integer minor units, exactly as the exchange's engine counts them.

export type Side = 'buy' | 'sell';
export type Level = readonly [priceTicks: number, qtyLots: number, orderCount: number];

export interface Asset {
  readonly assetId: number;
  readonly code: string;
  readonly scale: number;
}

export interface Market {
  readonly market: string;
  readonly instrumentId: number;
  readonly kind: 'binary' | 'spot';
  readonly status: string;
  readonly lastPriceTicks: number | null;
  readonly bestBidTicks: number | null;
  readonly bestAskTicks: number | null;
  readonly volume24hLots: number;
  readonly openInterestLots: number;
  /** When the market opens / closes by itself (ms since the epoch), if scheduled. */
  readonly opensAt: number | null;
  readonly closesAt: number | null;
  readonly spec: {
    readonly symbol: string;
    readonly tickSize: number;
    readonly minPriceTicks: number;
    readonly maxPriceTicks: number;
    readonly lotSize: number;
    readonly [k: string]: unknown;
  };
}

export interface BookDepth {
  readonly market: string;
  readonly instrumentId: number;
  readonly bids: Level[];
  readonly asks: Level[];
}

/** An order as sent (`POST /api/v1/orders`, the socket's `place`), and its acknowledgement. */
export type { PlaceOrderBody as OrderInput, OrderAck } from '@bourse/protocol';

/**
 * A socket's cancel-on-disconnect setting as acknowledged: when `enabled`, closing the socket cancels
 * every open order of the account (resting and parked), in `market` only when it is set.
 */
export interface CancelOnDisconnectAck {
  readonly enabled: boolean;
  /** The market symbol it is limited to, or null for every market. */
  readonly market: string | null;
}

/** Where a resting order stands in its price level's queue. */
export interface QueuePosition {
  readonly orderId: number;
  readonly market: string;
  readonly priceTicks: number;
  readonly side: 'buy' | 'sell';
  /** Open lots of the orders ahead of it at its price on its side; 0 at the front. */
  readonly aheadLots: number;
}

/** An order group: a cap on the lots its orders may match in a rolling 15-second window. */
export interface OrderGroup {
  readonly orderGroupId: number;
  readonly limitLots: number;
  /** It reached its cap (or was triggered): its orders were cancelled; it takes none until reset. */
  readonly triggered: boolean;
  /** Lots its orders matched in the window, as of the last command. */
  readonly matchedLots: number;
  /** Its open orders. */
  readonly orderIds: number[];
}

export interface Balance {
  readonly accountId: number;
  readonly assetId: number;
  readonly asset: string;
  readonly available: number;
  readonly reserved: number;
}

export interface Position {
  readonly accountId: number;
  readonly instrumentId: number;
  readonly market: string;
  readonly positionLots: number;
  readonly costBasis: number;
  readonly realisedPnl: number;
  readonly feesPaid: number;
  readonly markPriceTicks: number | null;
  readonly unrealisedPnl: number | null;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

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
  /** Sent once, when a trade in a later bucket ended this one; no update for its bucket follows. */
  readonly closed: boolean;
}

/** An update of the `candles` channel: the open candle's latest state, or a closed one. */
export interface CandleMessage extends LiveCandle {
  readonly channel: 'candles';
  readonly type: 'candle';
  readonly market: string;
  readonly instrumentId: number;
  readonly interval: CandleInterval;
}

/** The first message after subscribing to `candles`: the open candle, or null if none yet. */
export interface CandleSnapshotMessage {
  readonly channel: 'candles';
  readonly type: 'snapshot';
  readonly market: string;
  readonly instrumentId: number;
  readonly interval: CandleInterval;
  readonly candle: LiveCandle | null;
  /** False when the server could not read history at start and the candle may miss earlier trades. */
  readonly complete: boolean;
}
