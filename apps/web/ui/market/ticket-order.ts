// What the order ticket's fields mean, as pure functions: the worst price protecting a market order,
// the size (typed, or the most a dollar amount buys), the preview (what it closes and opens, cost,
// fee, maximum payout), the problems to fix before it can be sent, and the API order it describes.

import type { Level, MarketInfo, OrderInput } from '../api/types.ts';
import { parsePrice, parseQty, parseUsd, qty, qtyUnit, usd } from '../format/units.ts';
import {
  amountOf,
  fundsProblem,
  type Problem,
  priceProblem,
  qtyProblem,
  type TicketAccount,
} from './ticket-check.ts';
import {
  type Action,
  fromBook,
  lotsForBudget,
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
  /** A buyer may size the order by a dollar amount instead of a count. */
  readonly sizeIn: 'count' | 'dollars';
  /** Dollars to spend, fee included, when `sizeIn` is dollars. */
  readonly amountText: string;
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
  sizeIn: 'count',
  amountText: '',
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

/** Nothing known about the account: no closable contracts, no balance to check against. */
export const NO_ACCOUNT: TicketAccount = {
  available: undefined,
  availableBase: undefined,
  base: undefined,
  closableBuy: 0,
  closableSell: 0,
};

export interface Assessment {
  /** The order's size in lots (from the count, or the dollar amount); undefined until known. */
  readonly lots: number | undefined;
  readonly preview: (Preview & { readonly note: string | undefined }) | undefined;
  /** Everything wrong with the ticket as typed, each for its field; empty when it can be sent. */
  readonly problems: readonly Problem[];
}

/** The outcome price the preview uses: the limit, the stop trigger, or for a market order the worst. */
function ticketPrice(m: MarketInfo, t: TicketFields, worst: number | undefined) {
  if (t.type === 'market') return worst;
  return parsePrice(m, t.type === 'stop' ? t.stopText : t.priceText);
}

function priceProblems(m: MarketInfo, t: TicketFields): Problem[] {
  const out: Problem[] = [];
  const check = (text: string, what: string) => {
    const p = priceProblem(m, t.outcome, t.action, text, what);
    if (p !== undefined) out.push({ field: 'price', text: p });
  };
  if (needsLimit(t)) check(t.priceText, 'Price');
  if (needsStop(t)) check(t.stopText, 'Stop');
  if (t.type === 'market') check(t.worstText, 'Worst price');
  return out;
}

/** What the ticket as typed would do, and what is wrong with it. */
export function assessTicket(
  m: MarketInfo,
  t: TicketFields,
  bids: readonly Level[],
  asks: readonly Level[],
  account: TicketAccount = NO_ACCOUNT,
): Assessment {
  const problems = priceProblems(m, t);
  const { side, opposite } = bookSide(m, t, bids, asks);
  const closable = side === 'buy' ? account.closableBuy : account.closableSell;
  const worst = t.type === 'market' ? worstOutcomePrice(m, t, side, opposite) : undefined;
  const px = problems.length > 0 ? undefined : ticketPrice(m, t, worst);
  let lots: number | undefined;
  if (t.sizeIn === 'dollars' && t.action === 'buy') {
    const budget = parseUsd(t.amountText);
    if (budget !== undefined && px !== undefined) {
      lots = lotsForBudget(m, t.outcome, px, budget, closable);
      if (lots === 0) {
        const one = amountOf(m, m.spec.lotSize);
        problems.push({
          field: 'qty',
          text: `${usd(budget)} does not pay for ${one} and its fee.`,
        });
      }
    }
  } else if (t.qtyText.trim() !== '') {
    lots = parseQty(m, t.qtyText);
    const q = qtyProblem(m, lots);
    if (q !== undefined) problems.push({ field: 'qty', text: q });
  }
  if (lots === undefined || lots <= 0 || px === undefined || problems.length > 0) {
    return { lots, preview: undefined, problems };
  }
  let pv: Preview;
  let note: string | undefined;
  if (t.type === 'market') {
    const worstBook = toBook(m, t.outcome, t.action, px).priceTicks;
    const s = sweep(opposite, side, lots, worstBook);
    if (s.filledLots === 0) return { lots, preview: undefined, problems };
    const avg = fromBook(m, t.outcome, Math.round(s.notionalTicksLots / s.filledLots));
    pv = preview(m, t.outcome, t.action, s.filledLots, avg, closable);
    note = s.filledLots < lots ? `Only ${qty(m, s.filledLots)} fillable now` : undefined;
  } else {
    pv = preview(m, t.outcome, t.action, lots, px, closable);
  }
  const funds = fundsProblem(m, t.action, lots, pv, account);
  if (funds !== undefined) problems.push({ field: 'funds', text: funds });
  return { lots, preview: { ...pv, note }, problems };
}

/** The API order for the ticket, or what to fix first. */
export function buildOrder(
  m: MarketInfo,
  t: TicketFields,
  bids: readonly Level[],
  asks: readonly Level[],
  account: TicketAccount = NO_ACCOUNT,
): { order: OrderInput } | { error: string } {
  const { lots, problems } = assessTicket(m, t, bids, asks, account);
  if (problems[0] !== undefined) return { error: problems[0].text };
  if (lots === undefined || lots <= 0) {
    return {
      error:
        t.sizeIn === 'dollars'
          ? 'Enter an amount in dollars.'
          : `Enter a quantity in ${qtyUnit(m)}.`,
    };
  }
  const limit = parsePrice(m, t.priceText);
  const stop = parsePrice(m, t.stopText);
  if (needsLimit(t) && limit === undefined) return { error: 'Enter a limit price.' };
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
