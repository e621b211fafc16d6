// The order rules every part of the exchange judges the same way: a market's price grid, its lot size
// and its fees, as pure functions of the market's spec. The engine applies them to commands; the
// gateway, the Kalshi adapter, the web UI and the bots import them (the browser through the
// `@bourse/engine/rules` entry), so a price or a fee never means one thing here and another there.

import { compileFeeRate, feeAt } from './fees.ts';
import type { FeeSchedule } from './instrument.ts';

export type { FeeSchedule };
// The standard cents grid of a binary contract, for the screens that open one.
export { CENTS_BINARY_GRID } from './instrument.ts';
// Valuation and P&L are rules a customer sees too: the browser reads them through this entry.
export {
  type PnlTerms,
  positionValue,
  realisedAfterFees,
  spotHoldingValue,
  unrealisedPnl,
} from './pnl.ts';
import { isSafeInt } from './units.ts';

/** The part of a spec that defines its prices: `minPriceTicks + k × tickSize` up to `maxPriceTicks`. */
export interface PriceGrid {
  readonly tickSize: number;
  readonly minPriceTicks: number;
  readonly maxPriceTicks: number;
}

/** What is wrong with a price on a grid, as the engine's reject code; undefined when it is valid. */
export type PriceViolation = 'INVALID_PRICE' | 'PRICE_OUT_OF_RANGE' | 'PRICE_OFF_GRID';

export function priceViolation(grid: PriceGrid, priceTicks: unknown): PriceViolation | undefined {
  if (!isSafeInt(priceTicks)) return 'INVALID_PRICE';
  if (priceTicks < grid.minPriceTicks || priceTicks > grid.maxPriceTicks) {
    return 'PRICE_OUT_OF_RANGE';
  }
  return isOnGrid(grid, priceTicks) ? undefined : 'PRICE_OFF_GRID';
}

/** True when the price is a whole number of ticks from the grid's minimum (range not checked). */
export function isOnGrid(grid: PriceGrid, priceTicks: number): boolean {
  return (priceTicks - grid.minPriceTicks) % grid.tickSize === 0;
}

/** A sentence naming the grid, for error messages: "50 + a multiple of 100 ticks, 50..9950". */
export function describeGrid(grid: PriceGrid): string {
  const steps =
    grid.minPriceTicks % grid.tickSize === 0
      ? `a multiple of ${grid.tickSize} ticks`
      : `${grid.minPriceTicks} + a multiple of ${grid.tickSize} ticks`;
  return `${steps} within ${grid.minPriceTicks}..${grid.maxPriceTicks}`;
}

/**
 * The grid price nearest to `priceTicks` (ties go up), or the one at or below / at or above it, kept
 * within the grid's range.
 */
export function snapToGrid(
  grid: PriceGrid,
  priceTicks: number,
  mode: 'nearest' | 'down' | 'up' = 'nearest',
): number {
  const steps = (priceTicks - grid.minPriceTicks) / grid.tickSize;
  const k =
    mode === 'down' ? Math.floor(steps) : mode === 'up' ? Math.ceil(steps) : Math.round(steps);
  const p = grid.minPriceTicks + k * grid.tickSize;
  return Math.min(lastGridPrice(grid), Math.max(grid.minPriceTicks, p));
}

/** The highest price on the grid (equal to `maxPriceTicks` for every spec the engine accepts). */
function lastGridPrice(grid: PriceGrid): number {
  const steps = Math.floor((grid.maxPriceTicks - grid.minPriceTicks) / grid.tickSize);
  return grid.minPriceTicks + steps * grid.tickSize;
}

/** True when a quantity is a whole number of the market's lots (sign and size are not checked). */
export function isLotMultiple(spec: { readonly lotSize: number }, qtyLots: number): boolean {
  return qtyLots % spec.lotSize === 0;
}

/** `qtyLots` rounded down (or to the nearest, ties up) to a multiple of the lot size. */
export function roundToLots(
  spec: { readonly lotSize: number },
  qtyLots: number,
  mode: 'down' | 'nearest' = 'down',
): number {
  const k =
    mode === 'down' ? Math.floor(qtyLots / spec.lotSize) : Math.round(qtyLots / spec.lotSize);
  return k * spec.lotSize;
}

/** What a fee depends on: the schedule, the money per tick-lot and, on a binary market, the payout. */
export interface FeeTerms {
  readonly fees: FeeSchedule;
  readonly moneyPerTickLot: number;
  /** A binary market's payout on the price grid; absent (no P × (1 − P) fee) on a spot market. */
  readonly payoutTicks?: number | undefined;
}

/**
 * The fee in money minor units for one fill of `qtyLots` at `priceTicks` (a price on the grid):
 * `taker` or `maker`, or `max`, the larger of the two, which is what the engine reserves with an order.
 */
export function feeFor(
  terms: FeeTerms,
  role: 'taker' | 'maker' | 'max',
  priceTicks: number,
  qtyLots: number,
): number {
  const payout = terms.payoutTicks ?? 0;
  const rate = compileFeeRate(terms.fees, role, payout);
  return feeAt(rate, priceTicks, qtyLots, terms.moneyPerTickLot, payout);
}

/** What decides where an order's fee peaks: the fee schedule's kind, and a binary market's payout. */
export interface FeePeakTerms {
  readonly kind: 'binary' | 'spot';
  readonly fees: FeeSchedule;
  readonly maxPriceTicks: number;
  readonly payoutTicks?: number | undefined;
}

/**
 * The price, among those an order limited at `limitTicks` can trade at, where its fee is largest:
 * the engine reserves an order's fee at this price (at the `max` rate), so it is the most the order
 * can pay. Kalshi's P × (1 − P) peaks at half the payout; a share of notional peaks at the highest
 * price a buy can pay (its limit) or a binary sell can get (the market's maximum).
 */
export function feePeakPrice(
  terms: FeePeakTerms,
  side: 'buy' | 'sell',
  limitTicks: number,
): number {
  if (terms.kind === 'spot') return limitTicks;
  const half = Math.floor((terms.payoutTicks ?? 0) / 2);
  if (terms.fees.kind === 'kalshi') {
    return side === 'buy' ? Math.min(limitTicks, half) : Math.max(limitTicks, half);
  }
  return side === 'buy' ? limitTicks : terms.maxPriceTicks;
}
