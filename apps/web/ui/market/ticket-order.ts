// What the order ticket's fields mean, as pure functions: the worst price protecting a market order,
// the preview (cost or proceeds, maximum payout, fee) and the API order the fields describe, or the
// sentence telling the person what to fix.

import type { Level, MarketInfo, OrderInput } from '../api/types.ts';
import { parsePrice, parseQty, qty, qtyUnit } from '../format/units.ts';
import {
  type Action,
  fromBook,
  type Outcome,
  type Preview,
  preview,
  sweep,
  toBook,
} from './ticket-math.ts';

export type OrderType = 'limit' | 'market' | 'stop' | 'stopLimit';
export type Tif = 'gtc' | 'ioc' | 'fok' | 'gtd';

export interface TicketFields {
  readonly outcome: Outcome;
  readonly action: Action;
  readonly type: OrderType;
  readonly qtyText: string;
  readonly priceText: string;
  readonly stopText: string;
  /** Empty: protect at DEFAULT_PROTECTION_STEPS ticks beyond the best opposite price. */
  readonly worstText: string;
  readonly tif: Tif;
  /** `datetime-local` value for GTD orders. */
  readonly expiry: string;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** Cancel the order when its market pauses or the exchange halts (sent only when it can rest). */
  readonly cancelOnPause: boolean;
}

export const EMPTY_TICKET: TicketFields = {
  outcome: 'yes',
  action: 'buy',
  type: 'limit',
  qtyText: '1',
  priceText: '',
  stopText: '',
  worstText: '',
  tif: 'gtc',
  expiry: '',
  postOnly: false,
  reduceOnly: false,
  cancelOnPause: false,
};

export const DEFAULT_PROTECTION_STEPS = 10;

const needsLimit = (t: TicketFields) => t.type === 'limit' || t.type === 'stopLimit';
const needsStop = (t: TicketFields) => t.type === 'stop' || t.type === 'stopLimit';

/**
 * Whether the order can outlive its submission, so that a pause could catch it: a GTC or GTD limit
 * order rests in the book, and a stop waits parked for its trigger whatever its time in force. Market,
 * IOC and FOK limit orders are done the moment they are placed.
 */
export function canRest(t: TicketFields): boolean {
  return needsStop(t) || (t.type === 'limit' && (t.tif === 'gtc' || t.tif === 'gtd'));
}

/** The book side the ticket trades on, and the levels it would take from. */
export function bookSide(
  m: MarketInfo,
  t: TicketFields,
  bids: readonly Level[],
  asks: readonly Level[],
): { side: 'buy' | 'sell'; opposite: readonly Level[] } {
  const side = toBook(m, t.outcome, t.action, undefined).side;
  return { side, opposite: side === 'buy' ? asks : bids };
}

/** The worst outcome price a market order may fill at: typed, or a default beyond the best price. */
export function worstOutcomePrice(
  m: MarketInfo,
  t: TicketFields,
  side: 'buy' | 'sell',
  opposite: readonly Level[],
): number | undefined {
  if (t.worstText !== '') return parsePrice(m, t.worstText);
  const best = opposite[0]?.[0];
  if (best === undefined) return undefined;
  const step = (side === 'buy' ? 1 : -1) * DEFAULT_PROTECTION_STEPS * m.spec.tickSize;
  const bounded = Math.min(m.spec.maxPriceTicks, Math.max(m.spec.minPriceTicks, best + step));
  return fromBook(m, t.outcome, bounded);
}

/** Cost/proceeds, payout and fee of the ticket as typed; undefined until it is complete enough. */
export function ticketPreview(
  m: MarketInfo,
  t: TicketFields,
  bids: readonly Level[],
  asks: readonly Level[],
): (Preview & { note: string | undefined }) | undefined {
  const lots = parseQty(m, t.qtyText);
  if (lots === undefined || lots <= 0) return undefined;
  if (t.type === 'market') {
    const { side, opposite } = bookSide(m, t, bids, asks);
    const worst = worstOutcomePrice(m, t, side, opposite);
    const worstBook =
      worst === undefined ? undefined : toBook(m, t.outcome, t.action, worst).priceTicks;
    const s = sweep(opposite, side, lots, worstBook);
    if (s.filledLots === 0) return undefined;
    const avgBook = Math.round(s.notionalTicksLots / s.filledLots);
    const pv = preview(m, t.outcome, t.action, s.filledLots, fromBook(m, t.outcome, avgBook));
    const note = s.filledLots < lots ? `Only ${qty(m, s.filledLots)} fillable now` : undefined;
    return { ...pv, note };
  }
  const px = parsePrice(m, t.type === 'stop' ? t.stopText : t.priceText);
  if (px === undefined) return undefined;
  return { ...preview(m, t.outcome, t.action, lots, px), note: undefined };
}

/** The API order for the ticket, or what to fix first. */
export function buildOrder(
  m: MarketInfo,
  t: TicketFields,
  bids: readonly Level[],
  asks: readonly Level[],
): { order: OrderInput } | { error: string } {
  const lots = parseQty(m, t.qtyText);
  if (lots === undefined || lots <= 0) return { error: `Enter a quantity in ${qtyUnit(m)}.` };
  const limit = parsePrice(m, t.priceText);
  const stop = parsePrice(m, t.stopText);
  if (needsLimit(t) && limit === undefined)
    return { error: 'Enter a limit price on the tick grid.' };
  if (needsStop(t) && stop === undefined) return { error: 'Enter a stop trigger price.' };
  const { side, opposite } = bookSide(m, t, bids, asks);
  const worst = t.type === 'market' ? worstOutcomePrice(m, t, side, opposite) : undefined;
  if (t.type === 'market' && worst === undefined) {
    return { error: 'No liquidity to protect against: set a worst price.' };
  }
  if (t.type !== 'market' && t.tif === 'gtd' && t.expiry === '') {
    return { error: 'Choose when the order expires.' };
  }
  const order: { -readonly [K in keyof OrderInput]: OrderInput[K] } = {
    market: m.market,
    side,
    type: t.type,
    qtyLots: lots,
  };
  const onBook = (p: number | undefined) => toBook(m, t.outcome, t.action, p).priceTicks!;
  if (needsLimit(t)) order.priceTicks = onBook(limit);
  if (needsStop(t)) order.stopPriceTicks = onBook(stop);
  if (t.type === 'market') {
    order.worstPriceTicks = onBook(worst);
    order.tif = 'ioc';
  } else {
    order.tif = t.tif;
    if (t.tif === 'gtd') order.expiresAt = new Date(t.expiry).getTime();
  }
  if (t.postOnly && t.type === 'limit') order.postOnly = true;
  if (t.reduceOnly) order.reduceOnly = true;
  if (t.cancelOnPause && canRest(t)) order.cancelOnPause = true;
  return { order };
}

/** "Buy YES", "Sell NO", or "Buy" / "Sell" for spot. */
export function ticketLabel(m: MarketInfo, t: TicketFields): string {
  const verb = t.action === 'buy' ? 'Buy' : 'Sell';
  return m.kind === 'binary' ? `${verb} ${t.outcome.toUpperCase()}` : verb;
}
