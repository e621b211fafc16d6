// Instrument definitions as they arrive in `createInstrument`. A binary market is quoted on YES: a price
// is the YES price in ticks, and `payoutTicks` is what one winning contract is worth on that grid.
// Money for a trade is `priceTicks × qtyLots × moneyPerTickLot` minor units of the settlement/quote asset,
// so with the default units (USD in micros, prices in 1/10,000 $, quantities in 1/100 contract)
// `moneyPerTickLot` is 1 and a contract at $0.42 for 1 lot costs 4,200 micros.

/** How fees are charged for one fill. All rates are integers; every fee rounds up to `roundingUnit`. */
export type FeeSchedule =
  | { readonly kind: 'none' }
  /** Fee = ceil(notional × bps / 10,000), notional in the money asset's minor units. */
  | { readonly kind: 'bps'; readonly makerBps: number; readonly takerBps: number }
  /**
   * Kalshi's style for binary contracts: fee = ceil(rate × contracts × P × (1 − P)) rounded up to
   * `roundingUnit` minor units (a cent is 10,000 micros); `*RatePpm` are rates in parts per million
   * (0.07 = 70,000).
   */
  | {
      readonly kind: 'kalshi';
      readonly makerRatePpm: number;
      readonly takerRatePpm: number;
      readonly roundingUnit: number;
    };

/** Pre-trade limits of one instrument; 0 means "no limit". */
export interface InstrumentLimits {
  /** Largest quantity of one order, in lots. */
  readonly maxOrderQtyLots: number;
  /** Largest notional of one order (price × qty × moneyPerTickLot), in minor units. */
  readonly maxOrderNotional: number;
  /**
   * Largest |position| one account may hold in this market, in lots (binary only). Checked on the
   * worst case: an order is refused (`POSITION_LIMIT`) when the position plus the account's resting
   * orders on the same side plus the order could end beyond it, unless that is no further from flat
   * than the position now (reducing is always allowed); reduce-only orders are never refused. A stop
   * is checked when placed and again when it triggers (cancelled with reason `positionLimit` if over).
   */
  readonly maxPositionLots: number;
  /**
   * Limit orders must be within this many ticks of the last trade price (or of the mid without one)
   * when placed; stop-limit orders when they trigger (cancelled with reason `protection` if not).
   */
  readonly priceBandTicks: number;
}

/**
 * A market's circuit breaker (`setCircuitBreaker`; rules in circuit-breaker.ts). A trade that would
 * move the price more than `moveTicks` (or `moveBps` basis points) from any trade of the last
 * `windowMs`, or that would be more than `bandTicks` from the band's reference price (limit up,
 * limit down), does not happen: the market pauses for `pauseMs` instead, then reopens by itself.
 * 0 turns a rule off; at least one of the three is on.
 */
export interface CircuitBreakerConfig {
  readonly moveTicks: number;
  readonly moveBps: number;
  readonly windowMs: number;
  readonly pauseMs: number;
  readonly bandTicks: number;
}

interface InstrumentSpecBase {
  readonly instrumentId: number;
  readonly symbol: string;
  readonly tickSize: number;
  readonly minPriceTicks: number;
  readonly maxPriceTicks: number;
  /** Quantities must be multiples of this many lots. */
  readonly lotSize: number;
  readonly moneyPerTickLot: number;
  readonly fees: FeeSchedule;
  readonly limits: InstrumentLimits;
}

export interface BinarySpec extends InstrumentSpecBase {
  readonly kind: 'binary';
  readonly seriesTicker: string;
  readonly eventTicker: string;
  readonly title: string;
  readonly settlementAssetId: number;
  /** Value of one winning contract on the price grid (10,000 with prices in 1/10,000 $). */
  readonly payoutTicks: number;
  /** Lots per whole contract (100 with quantities in 1/100 contract). */
  readonly lotsPerContract: number;
}

export interface SpotSpec extends InstrumentSpecBase {
  readonly kind: 'spot';
  readonly baseAssetId: number;
  readonly quoteAssetId: number;
  /** Minor units of the base asset per lot. */
  readonly baseUnitsPerLot: number;
}

export type InstrumentSpec = BinarySpec | SpotSpec;

export type MarketStatus = 'created' | 'open' | 'paused' | 'closed' | 'settled';

/**
 * The grid of a Kalshi-style binary contract in the default units: YES prices from 1¢ to 99¢ in 1¢
 * steps (prices in 1/10,000 $), whole contracts of 100 lots, a winning contract worth $1. Markets,
 * fixtures and tools that open such a contract spread this instead of restating its numbers.
 */
export const CENTS_BINARY_GRID = {
  payoutTicks: 10_000,
  lotsPerContract: 100,
  tickSize: 100,
  minPriceTicks: 100,
  maxPriceTicks: 9_900,
  lotSize: 100,
  moneyPerTickLot: 1,
} as const satisfies Pick<
  BinarySpec,
  | 'payoutTicks'
  | 'lotsPerContract'
  | 'tickSize'
  | 'minPriceTicks'
  | 'maxPriceTicks'
  | 'lotSize'
  | 'moneyPerTickLot'
>;

/** Largest number of price levels one side of a book may have; keeps the level arrays bounded. */
export const MAX_PRICE_LEVELS = 1 << 20;
