// How an order on a binary market reads to a person: in the outcome it buys. The exchange keeps one
// YES book, so an engine sell is a NO buy at the payout minus its YES-book price; every table,
// notification and export shows it that way ("Buy NO 66¢", never "96¢" for the same order).

import type { MarketInfo } from '../api/types.ts';
import { price } from '../format/units.ts';
import { fromBook, type Outcome } from './ticket-math.ts';

/** The outcome an engine side buys: YES for buys, NO for sells on a binary market. */
export function outcomeOf(m: MarketInfo | undefined, side: 'buy' | 'sell'): Outcome {
  return m?.kind === 'binary' && side === 'sell' ? 'no' : 'yes';
}

/** How an order reads to a person: Buy YES / Buy NO for binary, Buy / Sell for spot. */
export function orderLabel(m: MarketInfo | undefined, side: 'buy' | 'sell'): string {
  if (m?.kind !== 'binary') return side === 'buy' ? 'Buy' : 'Sell';
  return side === 'buy' ? 'Buy YES' : 'Buy NO';
}

/** A YES-book price in the convention of the outcome the order buys, in ticks. */
export function sidePriceTicks(m: MarketInfo, side: 'buy' | 'sell', bookTicks: number): number {
  return fromBook(m, outcomeOf(m, side), bookTicks);
}

/** A YES-book price as the order's side reads it ("66¢" for a NO buy filled at the YES book's 34). */
export function sidePrice(
  m: MarketInfo | undefined,
  side: 'buy' | 'sell',
  bookTicks: number | null | undefined,
): string {
  if (m === undefined || bookTicks === null || bookTicks === undefined) return '';
  return price(m, sidePriceTicks(m, side, bookTicks));
}
