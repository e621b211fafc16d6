// The order ticket's arithmetic, separate from the form: how a binary outcome/action maps onto the
// single YES book, and what an order would close and open, cost, pay out at most and pay in fees, by
// the engine's own fee rules. All integer units.

import type { Level, MarketInfo, Side } from '../api/types.ts';
import { feeFor, feePeakPrice } from '@bourse/engine/rules';

export type Outcome = 'yes' | 'no';
export type Action = 'buy' | 'sell';

/** The engine side and YES-book price for a binary outcome/action at an outcome price. */
export function toBook(
  m: MarketInfo,
  outcome: Outcome,
  action: Action,
  outcomePriceTicks: number | undefined,
): { side: Side; priceTicks: number | undefined } {
  if (m.kind !== 'binary' || outcome === 'yes') {
    return { side: action, priceTicks: outcomePriceTicks };
  }
  const payout = m.spec.payoutTicks ?? 0;
  return {
    side: action === 'buy' ? 'sell' : 'buy',
    priceTicks: outcomePriceTicks === undefined ? undefined : payout - outcomePriceTicks,
  };
}

/** The outcome price shown for a YES-book price. */
export function fromBook(m: MarketInfo, outcome: Outcome, bookPriceTicks: number): number {
  return m.kind === 'binary' && outcome === 'no'
    ? (m.spec.payoutTicks ?? 0) - bookPriceTicks
    : bookPriceTicks;
}

/**
 * Average book price to fill `qtyLots` against the opposite side up to `worst` (inclusive), or undefined
 * when the book cannot fill it all.
 */
export function sweep(
  levels: readonly Level[],
  side: Side,
  qtyLots: number,
  worst: number | undefined,
): { notionalTicksLots: number; filledLots: number } {
  let left = qtyLots;
  let notional = 0;
  for (const [p, q] of levels) {
    if (left === 0) break;
    if (worst !== undefined && (side === 'buy' ? p > worst : p < worst)) break;
    const take = Math.min(left, q);
    notional += take * p;
    left -= take;
  }
  return { notionalTicksLots: notional, filledLots: qtyLots - left };
}

/** One part of an order: closing held contracts (money received) or opening new ones (money paid). */
export interface Leg {
  readonly kind: 'close' | 'open';
  /** The outcome the part sells (close) or buys (open); undefined on a spot market. */
  readonly outcome: Outcome | undefined;
  readonly lots: number;
  /** The part's price in its outcome's terms (ticks). */
  readonly priceTicks: number;
  /** Money received (close) or paid (open), before fees, in minor units. */
  readonly amount: number;
}

export interface Preview {
  readonly legs: readonly Leg[];
  /** The most the order can pay in fees: what the exchange reserves with it. */
  readonly fee: number;
  /** Money the order takes from the available balance: what it opens, plus the fee (buys). */
  readonly cost: number;
  /** Money it brings in: what it closes (binary) or sells (spot), less a spot seller's fee. */
  readonly proceeds: number;
  /** Binary orders that open contracts: what those pay if they win. */
  readonly maxPayout: number | undefined;
}

/**
 * What an order of `qtyLots` at outcome price `outcomePrice` does, as the exchange reserves it: on a
 * binary market the part up to `closableLots` (contracts of the other side held) closes them and the
 * rest opens the side bought; the fee is the most the order can pay (the max rate at the price where
 * its fee peaks). `closableLots` is counted on the engine side: YES held for a sell, NO for a buy.
 */
export function preview(
  m: MarketInfo,
  outcome: Outcome,
  action: Action,
  qtyLots: number,
  outcomePrice: number,
  closableLots = 0,
): Preview {
  const mptl = m.spec.moneyPerTickLot;
  const { side, priceTicks } = toBook(m, outcome, action, outcomePrice);
  const book = priceTicks ?? outcomePrice;
  const fee = feeFor(m.spec, 'max', feePeakPrice(m.spec, side, book), qtyLots);
  if (m.kind !== 'binary') {
    const amount = outcomePrice * qtyLots * mptl;
    return action === 'buy'
      ? {
          legs: [
            { kind: 'open', outcome: undefined, lots: qtyLots, priceTicks: outcomePrice, amount },
          ],
          fee,
          cost: amount + fee,
          proceeds: 0,
          maxPayout: undefined,
        }
      : {
          legs: [
            { kind: 'close', outcome: undefined, lots: qtyLots, priceTicks: outcomePrice, amount },
          ],
          fee,
          cost: 0,
          proceeds: amount - fee,
          maxPayout: undefined,
        };
  }
  const payout = m.spec.payoutTicks ?? 0;
  // The engine side buys YES at `book` (closing NO at payout − book) or sells at it (closing YES).
  const bought: Outcome = side === 'buy' ? 'yes' : 'no';
  const held: Outcome = side === 'buy' ? 'no' : 'yes';
  const closeLots = Math.min(qtyLots, Math.max(0, closableLots));
  const openLots = qtyLots - closeLots;
  const heldPrice = fromBook(m, held, book);
  const boughtPrice = fromBook(m, bought, book);
  const legs: Leg[] = [];
  if (closeLots > 0) {
    const amount = heldPrice * closeLots * mptl;
    legs.push({ kind: 'close', outcome: held, lots: closeLots, priceTicks: heldPrice, amount });
  }
  if (openLots > 0) {
    const amount = boughtPrice * openLots * mptl;
    legs.push({ kind: 'open', outcome: bought, lots: openLots, priceTicks: boughtPrice, amount });
  }
  const paid = legs.filter((l) => l.kind === 'open').reduce((sum, l) => sum + l.amount, 0);
  const got = legs.filter((l) => l.kind === 'close').reduce((sum, l) => sum + l.amount, 0);
  return {
    legs,
    fee,
    cost: paid + fee,
    proceeds: got,
    maxPayout: openLots > 0 ? payout * openLots * mptl : undefined,
  };
}

/**
 * The most lots (whole lots of the market) a buy at `outcomePrice` can be for `budget` money, fee
 * included: the cost only grows with the quantity, so a binary search over lot counts finds it.
 */
export function lotsForBudget(
  m: MarketInfo,
  outcome: Outcome,
  outcomePrice: number,
  budget: number,
  closableLots = 0,
): number {
  const lot = m.spec.lotSize;
  const perLot = Math.max(1, outcomePrice * m.spec.moneyPerTickLot);
  let lo = 0;
  let hi = Math.floor((Math.max(0, closableLots) + budget / perLot) / lot) + 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const pv = preview(m, outcome, 'buy', mid * lot, outcomePrice, closableLots);
    if (pv.cost <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo * lot;
}
