// Read-only views the engine hands out for queries (gateway reads, tests, invariants). They are fresh
// objects built on request, never live references into the engine's arrays.

import type { OrderType, SelfTradePrevention, Side, TimeInForce } from './commands.ts';
import type { CircuitBreakerConfig, InstrumentSpec, MarketStatus } from './instrument.ts';

export interface EngineConfig {
  /** The account that collects fees; created by the engine itself, with user id 0. */
  readonly feeAccountId: number;
  /** Most resting + parked orders one account may have across all markets. */
  readonly maxOpenOrdersPerAccount: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  feeAccountId: 0,
  maxOpenOrdersPerAccount: 10_000,
};

export interface BalanceView {
  readonly accountId: number;
  readonly assetId: number;
  readonly available: number;
  readonly reserved: number;
}

export interface PositionView {
  readonly accountId: number;
  readonly instrumentId: number;
  readonly positionLots: number;
  readonly costBasis: number;
  readonly realisedPnl: number;
  readonly feesPaid: number;
}

export interface OrderView {
  readonly orderId: number;
  readonly accountId: number;
  readonly instrumentId: number;
  readonly clientOrderId: string | undefined;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly tif: TimeInForce;
  readonly priceTicks: number;
  readonly openQtyLots: number;
  readonly filledQtyLots: number;
  readonly stopPriceTicks: number | undefined;
  readonly expiresAt: number | undefined;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly stp: SelfTradePrevention;
  /** Cancelled when its market pauses or the exchange halts. */
  readonly cancelOnPause: boolean;
  /** The order group it belongs to, if it has one. */
  readonly orderGroupId?: number;
  /** `resting` in the book, or `parked` waiting for its stop trigger. */
  readonly state: 'resting' | 'parked';
  /** Cash (settlement/quote asset) and position/base reserved for the open quantity. */
  readonly reservedCash: number;
  readonly reservedPosLots: number;
}

/**
 * Where a resting order stands in its price level's queue: `aheadLots` is the open quantity of the
 * orders before it at the same price on the same side (0 at the front).
 */
export interface QueuePositionView {
  readonly orderId: number;
  readonly accountId: number;
  readonly instrumentId: number;
  readonly side: Side;
  readonly priceTicks: number;
  readonly openQtyLots: number;
  readonly aheadLots: number;
}

/** Book depth: [priceTicks, qtyLots, orderCount], best price first. */
export interface BookView {
  readonly instrumentId: number;
  readonly bids: readonly (readonly [number, number, number])[];
  readonly asks: readonly (readonly [number, number, number])[];
}

export interface InstrumentView {
  readonly spec: InstrumentSpec;
  readonly status: MarketStatus;
  readonly lastPriceTicks: number | undefined;
  readonly escrow: number;
  /** Binary: YES lots outstanding (equal to NO lots outstanding). */
  readonly openInterestLots: number;
  readonly settlement:
    | { readonly result: 'yes' | 'no' | 'scalar'; readonly valueTicks: number }
    | undefined;
  /** Scheduled opening and closing (ms since the epoch), if any. */
  readonly opensAt: number | undefined;
  readonly closesAt: number | undefined;
  /** While its circuit breaker keeps it paused: when it reopens by itself. */
  readonly reopensAt: number | undefined;
  /** Its circuit breaker's rules and band reference price (undefined before the first trade). */
  readonly circuitBreaker:
    | { readonly config: CircuitBreakerConfig; readonly referencePriceTicks: number | undefined }
    | undefined;
}

export interface OrderGroupView {
  readonly groupId: number;
  readonly accountId: number;
  readonly limitLots: number;
  readonly triggered: boolean;
  /** Lots its orders matched in the window as of the last command. */
  readonly matchedLots: number;
  /** Its live orders' ids, ascending. */
  readonly orderIds: number[];
}

export interface AccountView {
  readonly accountId: number;
  readonly userId: number;
  readonly subaccount: number;
  /** Frozen by an admin: no live orders, new ones refused. */
  readonly frozen: boolean;
}
