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

export interface OrderInput {
  readonly market: string | number;
  readonly side: Side;
  readonly type?: 'limit' | 'market' | 'stop' | 'stopLimit';
  readonly priceTicks?: number;
  readonly qtyLots: number;
  readonly tif?: 'gtc' | 'gtd' | 'ioc' | 'fok';
  readonly clientOrderId?: string;
  readonly expiresAt?: number;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  readonly stopPriceTicks?: number;
  readonly worstPriceTicks?: number;
  readonly maxCost?: number;
  readonly stp?: 'cancelTaker' | 'cancelMaker';
  /** Cancel the order when its market pauses or the exchange halts (reason `paused`). */
  readonly cancelOnPause?: boolean;
}

export interface OrderAck {
  readonly orderId: number;
  readonly seq: number;
  readonly ts: number;
  readonly market: string;
  readonly status: 'resting' | 'parked' | 'filled' | 'cancelled';
  readonly filledQtyLots: number;
  readonly openQtyLots: number;
  readonly cancelReason: string | null;
  readonly fills: readonly { tradeId: number; priceTicks: number; qtyLots: number; fee: number }[];
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
