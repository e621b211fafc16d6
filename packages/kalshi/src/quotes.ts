// Best bid and ask on both legs of a binary market, quoted as Kalshi quotes them: one YES book gives
// the NO bid as 1 − the best YES ask and the NO ask as 1 − the best YES bid. An empty side quotes as
// Kalshi's own markets do: no bid is "0.0000" (nothing to sell into), no ask is "1.0000" (buying means
// paying the full payout), never a free ask at zero. REST markets and the WebSocket ticker share it.

import type { BinarySpec } from '@bourse/engine';
import { formatLots, formatTicks } from './fixed-point.ts';

/** The best level of a book side: `[priceTicks, qtyLots, …]`, or undefined when the side is empty. */
export type TopLevel = readonly number[] | undefined;

export interface Quotes {
  readonly yes_bid_dollars: string;
  readonly yes_ask_dollars: string;
  readonly no_bid_dollars: string;
  readonly no_ask_dollars: string;
  readonly yes_bid_size_fp: string;
  readonly yes_ask_size_fp: string;
}

export function quotes(spec: BinarySpec, bid: TopLevel, ask: TopLevel): Quotes {
  const bidTicks = bid?.[0];
  const askTicks = ask?.[0];
  const payout = spec.payoutTicks;
  return {
    yes_bid_dollars: formatTicks(bidTicks ?? 0, spec),
    yes_ask_dollars: formatTicks(askTicks ?? payout, spec),
    no_bid_dollars: formatTicks(askTicks === undefined ? 0 : payout - askTicks, spec),
    no_ask_dollars: formatTicks(bidTicks === undefined ? payout : payout - bidTicks, spec),
    yes_bid_size_fp: formatLots(bid?.[1] ?? 0, spec),
    yes_ask_size_fp: formatLots(ask?.[1] ?? 0, spec),
  };
}
