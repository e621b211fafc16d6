// The order ticket's arithmetic, separate from the form: how a binary outcome/action maps onto the
// single YES book, and what an order would cost, pay out at most and pay in fees. All integer units.

import type { Level, MarketInfo, Side } from '../api/types.ts';
import { takerFee } from '../format/fees.ts';

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

export interface Preview {
  /** Money the order reserves/spends (buys), or receives (sells), before fees. */
  readonly amount: number;
  readonly amountLabel: 'Cost' | 'Proceeds';
  /** Binary buys: what the contracts pay if they win. */
  readonly maxPayout: number | undefined;
  readonly fee: number;
}

/**
 * Preview for `qtyLots` at outcome price `outcomePrice` (limit) or the swept average (market). The fee
 * is the taker fee: the most the order can pay, since resting (maker) fees are never higher here.
 */
export function preview(
  m: MarketInfo,
  outcome: Outcome,
  action: Action,
  qtyLots: number,
  outcomePrice: number,
): Preview {
  const mptl = m.spec.moneyPerTickLot;
  const amount = outcomePrice * qtyLots * mptl;
  const yesPrice = toBook(m, outcome, 'buy', outcomePrice).priceTicks ?? outcomePrice;
  const fee = takerFee(m, yesPrice, qtyLots);
  const maxPayout =
    m.kind === 'binary' && action === 'buy'
      ? (m.spec.payoutTicks ?? 0) * qtyLots * mptl
      : undefined;
  return { amount, amountLabel: action === 'buy' ? 'Cost' : 'Proceeds', maxPayout, fee };
}
