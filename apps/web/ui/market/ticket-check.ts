// What is wrong with an order ticket before it is sent, in words, judged by the engine's own rules:
// a price outside the market's range or off its grid (zero included), a quantity that is zero, not a
// whole number of lots or over the per-order limit, and an order that needs more than the account
// has available. Each problem names the field it belongs to, so the form can show it in place.

import { isLotMultiple, priceViolation } from '@bourse/engine/rules';
import type { MarketInfo } from '../api/types.ts';
import { assetAmount, parsePriceTicks, price, qty, usd } from '../format/units.ts';
import { type Action, fromBook, type Outcome, type Preview, toBook } from './ticket-math.ts';

export type ProblemField = 'price' | 'qty' | 'funds';

export interface Problem {
  readonly field: ProblemField;
  readonly text: string;
}

/** What the account holds for a ticket: money and base units available, and closable contracts. */
export interface TicketAccount {
  /** Money available in the market's money asset (minor units); undefined until loaded. */
  readonly available: number | undefined;
  /** Spot: base units available to sell. */
  readonly availableBase: number | undefined;
  /** Base asset's code and scale, to say how much is available to sell. */
  readonly base: { readonly code: string; readonly scale: number } | undefined;
  /** Binary: contracts (lots) an engine buy / sell would close: NO held, YES held. */
  readonly closableBuy: number;
  readonly closableSell: number;
}

/** "1 contract", "5 contracts", "1 lot". */
export function amountOf(m: MarketInfo, lots: number): string {
  const n = qty(m, lots);
  const unit = m.kind === 'binary' ? 'contract' : 'lot';
  return `${n} ${n === '1' ? unit : `${unit}s`}`;
}

/** The problem with a typed price in the ticket's outcome terms, or undefined when it is fine. */
export function priceProblem(
  m: MarketInfo,
  outcome: Outcome,
  action: Action,
  text: string,
  what = 'Price',
): string | undefined {
  if (text.trim() === '') return undefined;
  const ticks = parsePriceTicks(m, text);
  if (ticks === undefined) {
    return `${what}: enter ${m.kind === 'binary' ? 'cents, e.g. 42' : 'dollars, e.g. 150.00'}.`;
  }
  const book = toBook(m, outcome, action, ticks).priceTicks!;
  const violation = priceViolation(m.spec, book);
  if (violation === undefined) return undefined;
  if (violation === 'PRICE_OFF_GRID') return `${what} must be on the ${gridText(m, outcome)} grid.`;
  const ends = [m.spec.minPriceTicks, m.spec.maxPriceTicks].map((t) => fromBook(m, outcome, t));
  const [lo, hi] = ends.sort((a, b) => a - b);
  return `${what} must be between ${price(m, lo)} and ${price(m, hi)}.`;
}

/** "1¢", or "1¢ (from 0.5¢)" for a grid whose first price is not its step. */
function gridText(m: MarketInfo, outcome: Outcome): string {
  const step = price(m, m.spec.tickSize);
  const first = fromBook(
    m,
    outcome,
    outcome === 'no' ? m.spec.maxPriceTicks : m.spec.minPriceTicks,
  );
  return first === m.spec.tickSize ? step : `${step} (from ${price(m, first)})`;
}

/** The problem with a quantity in lots (undefined: not a number), or undefined when it is fine. */
export function qtyProblem(m: MarketInfo, lots: number | undefined): string | undefined {
  if (lots === undefined)
    return `Enter a quantity in ${m.kind === 'binary' ? 'contracts' : 'lots'}.`;
  if (lots === 0) return `Enter at least ${amountOf(m, m.spec.lotSize)}.`;
  if (!isLotMultiple(m.spec, lots)) {
    return `Quantity must be in steps of ${amountOf(m, m.spec.lotSize)}.`;
  }
  const max = m.spec.limits?.maxOrderQtyLots ?? 0;
  return max > 0 && lots > max ? `At most ${amountOf(m, max)} per order.` : undefined;
}

/** The problem when the order needs more than the account has available, or undefined. */
export function fundsProblem(
  m: MarketInfo,
  action: Action,
  lots: number,
  pv: Preview,
  account: TicketAccount,
): string | undefined {
  if (m.kind === 'spot' && action === 'sell') {
    const need = lots * (m.spec.baseUnitsPerLot ?? 1);
    const have = account.availableBase;
    if (have === undefined || need <= have || account.base === undefined) return undefined;
    const { code, scale } = account.base;
    return `Needs ${assetAmount(need, scale, code)}: more than your available ${assetAmount(have, scale, code)}.`;
  }
  const have = account.available;
  if (have === undefined || pv.cost <= have) return undefined;
  return `Needs ${usd(pv.cost)}: more than your available ${usd(have)}.`;
}
