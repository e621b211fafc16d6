// Kalshi's direction model over the engine's one YES-quoted book. `bid` buys YES at p and `ask` sells
// YES at p, which is buying NO at 1 − p; the engine calls these buy and sell. Responses carry the modern
// `outcome_side`/`book_side` pair and the deprecated `side`/`action` pair (reported as buying the
// outcome, because an engine order does not remember whether it was entered as "sell YES" or "buy NO").

import type { Side } from '@bourse/engine';

export type BookSide = 'bid' | 'ask';
export type OutcomeSide = 'yes' | 'no';
export type LegacyAction = 'buy' | 'sell';

export function isBookSide(x: unknown): x is BookSide {
  return x === 'bid' || x === 'ask';
}

export function engineSide(side: BookSide): Side {
  return side === 'bid' ? 'buy' : 'sell';
}

export function bookSide(side: Side): BookSide {
  return side === 'buy' ? 'bid' : 'ask';
}

export function outcomeSide(side: Side): OutcomeSide {
  return side === 'buy' ? 'yes' : 'no';
}

/** The legacy `(action, side)` pair of `/portfolio/orders` as the book side it trades on. */
export function legacyBookSide(action: LegacyAction, side: OutcomeSide): BookSide {
  return (action === 'buy') === (side === 'yes') ? 'bid' : 'ask';
}

/** Every direction field a Kalshi order, fill or user_order message carries. */
export function directionFields(side: Side) {
  const outcome = outcomeSide(side);
  return {
    outcome_side: outcome,
    book_side: bookSide(side),
    side: outcome,
    action: 'buy' as const,
  };
}

/** A public trade's taker direction, in the modern and the deprecated vocabulary. */
export function takerFields(takerSide: Side) {
  const outcome = outcomeSide(takerSide);
  return {
    taker_outcome_side: outcome,
    taker_book_side: bookSide(takerSide),
    taker_side: outcome,
  };
}
