// The shapes of the API's JSON, for SDK users. Prices are integer ticks, quantities integer lots and
// money integer minor units, exactly as the exchange's engine counts them.

import type { Level, MarketInfo } from '@bourse/protocol';

export type { MarketInfo as MarketText };

export type Side = 'buy' | 'sell';

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
  /** Paused by its circuit breaker (not an operator); it reopens by itself at `reopensAt`. */
  readonly pausedByBreaker?: boolean;
  readonly reopensAt?: number | null;
  /** The circuit breaker's rules and band reference price, or null for none. */
  readonly circuitBreaker?: {
    readonly config: {
      readonly moveTicks: number;
      readonly moveBps: number;
      readonly windowMs: number;
      readonly pauseMs: number;
      readonly bandTicks: number;
    };
    readonly referencePriceTicks: number | null;
  } | null;
  /** What admins wrote about the market: titles, rules, resolution source, settlement time. */
  readonly info?: MarketInfo;
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

/** A balance and a position as `GET /portfolio/balances` and `/portfolio/positions` answer them. */
export type { BalanceView as Balance, PositionView as Position } from '@bourse/protocol';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** Market data on the socket and candles over REST: one declaration, the wire protocol's. */
export type {
  Candle,
  CandleInterval,
  CandleMessage,
  CandleSnapshotMessage,
  Level,
  LiveCandle,
} from '@bourse/protocol';

/** A person's chart settings as `/account/preferences/chart` takes and answers them. */
export type { ChartPreferences, ChartPreferencesView, ChosenIndicator } from '@bourse/protocol';
