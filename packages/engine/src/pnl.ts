// Profit and loss as the engine books it, as pure functions: how a fill moves a position's cost basis
// and realised P&L, what a settlement pays, and what a position or a spot holding is worth at a mark.
// The engine's matching and settlement use them, and so do the gateway, the read models' performance
// series and the web UI (through `@bourse/engine/rules`), so a P&L figure means the same everywhere.

import { mulDivFloor } from './units.ts';

/** A position's books: signed lots (binary: + YES / − NO; spot: net base lots bought), cost, realised. */
export interface PositionBook {
  lots: number;
  costBasis: number;
  realisedPnl: number;
}

/** What valuing a position needs of its market. */
export interface PnlTerms {
  readonly kind: 'binary' | 'spot';
  readonly moneyPerTickLot: number;
  /** A binary market's payout on the price grid (0 or absent on a spot market). */
  readonly payoutTicks?: number | undefined;
}

/** Lots of the side a binary fill gives up that the position holds (NO for a buy, YES for a sell). */
function heldAgainst(positionLots: number, buy: boolean): number {
  if (buy) return positionLots < 0 ? -positionLots : 0;
  return positionLots > 0 ? positionLots : 0;
}

/** Lots a binary fill of `qtyLots` closes on a position of `positionLots` (+ YES / − NO): it closes first. */
export function binaryCloses(positionLots: number, buy: boolean, qtyLots: number): number {
  const held = heldAgainst(positionLots, buy);
  return qtyLots < held ? qtyLots : held;
}

/**
 * Books one side of a binary fill: it closes `min(qty, held)` lots of the opposite side first (at the
 * average cost, the cost removed rounded down, all of it on a full close), then opens the rest at the
 * price of the side bought. Returns the lots closed; principal cash is `closeValue × closed − openCost ×
 * opened` (`binaryFillCash`).
 */
export function bookBinaryFill(
  pos: PositionBook,
  buy: boolean,
  priceTicks: number,
  qtyLots: number,
  payoutTicks: number,
  moneyPerTickLot: number,
): number {
  const held = heldAgainst(pos.lots, buy);
  const closes = qtyLots < held ? qtyLots : held;
  const opened = qtyLots - closes;
  if (closes > 0) {
    const removed = closes === held ? pos.costBasis : mulDivFloor(pos.costBasis, closes, held);
    const closeValue = buy ? payoutTicks - priceTicks : priceTicks;
    pos.realisedPnl += closeValue * closes * moneyPerTickLot - removed;
    pos.costBasis -= removed;
  }
  const openCost = buy ? priceTicks : payoutTicks - priceTicks;
  pos.costBasis += openCost * opened * moneyPerTickLot;
  pos.lots += buy ? qtyLots : -qtyLots;
  return closes;
}

/** The principal cash one side of a binary fill receives (negative when it pays). */
export function binaryFillCash(
  buy: boolean,
  priceTicks: number,
  qtyLots: number,
  closes: number,
  payoutTicks: number,
  moneyPerTickLot: number,
): number {
  const closeValue = buy ? payoutTicks - priceTicks : priceTicks;
  const openCost = buy ? priceTicks : payoutTicks - priceTicks;
  return (closeValue * closes - openCost * (qtyLots - closes)) * moneyPerTickLot;
}

/**
 * Books one side of a spot fill at average cost (informational: balances are the source of truth):
 * `signedLots` bought (+) or sold (−) for `cost` money. A short's cost basis is what it received.
 */
export function bookSpotFill(pos: PositionBook, signedLots: number, cost: number): void {
  const lots = pos.lots;
  if (lots === 0 || Math.sign(lots) === Math.sign(signedLots)) {
    pos.costBasis += cost;
  } else {
    const held = Math.abs(lots);
    const q = Math.abs(signedLots);
    const closes = q < held ? q : held;
    const part = mulDivFloor(cost, closes, q);
    const removed = closes === held ? pos.costBasis : mulDivFloor(pos.costBasis, closes, held);
    pos.realisedPnl += lots > 0 ? part - removed : removed - part;
    pos.costBasis += cost - part - removed;
  }
  pos.lots += signedLots;
}

/** What a binary position of `lots` receives when its market settles at `valueTicks` (YES value). */
export function settlementPayout(
  payoutTicks: number,
  moneyPerTickLot: number,
  lots: number,
  valueTicks: number,
): number {
  return lots > 0
    ? valueTicks * lots * moneyPerTickLot
    : (payoutTicks - valueTicks) * -lots * moneyPerTickLot;
}

/** Value of a position at `markTicks` (YES price), in money minor units: YES at mark, NO at (payout − mark). */
export function positionValue(terms: PnlTerms, positionLots: number, markTicks: number): number {
  if (terms.kind === 'binary' && positionLots < 0) {
    return -positionLots * ((terms.payoutTicks ?? 0) - markTicks) * terms.moneyPerTickLot;
  }
  return positionLots * markTicks * terms.moneyPerTickLot;
}

/**
 * Unrealised P&L of a position at `markTicks`: its value less what it cost. A spot short's cost basis
 * is what the sale received, so it gains as the mark falls.
 */
export function unrealisedPnl(
  terms: PnlTerms,
  positionLots: number,
  costBasis: number,
  markTicks: number,
): number {
  const value = positionValue(terms, positionLots, markTicks);
  if (terms.kind === 'spot' && positionLots < 0) return costBasis + value;
  return value - costBasis;
}

/**
 * A position's realised P&L after its fees: the fees were paid in cash, so only this figure, with the
 * unrealised P&L, adds up to the change in the account's value (to the minor unit).
 */
export function realisedAfterFees(p: {
  readonly realisedPnl: number;
  readonly feesPaid: number;
}): number {
  return p.realisedPnl - p.feesPaid;
}

/** Money value of `amount` (≥ 0) base units held at a spot market's `markTicks`, rounded down. */
export function spotHoldingValue(
  terms: { readonly moneyPerTickLot: number; readonly baseUnitsPerLot?: number | undefined },
  amount: number,
  markTicks: number,
): number {
  return mulDivFloor(amount, markTicks * terms.moneyPerTickLot, terms.baseUnitsPerLot ?? 1);
}
