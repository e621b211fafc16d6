// The money each side of a fill pays or receives, derived from the instrument's rules so the ledger can
// carry one exact entry per fill leg. Binary: the engine's rule (`binaryFillCash`: opening YES costs p,
// opening NO costs payout − p, closing YES receives p, closing NO receives payout − p, per lot and times
// `moneyPerTickLot`). Spot: the buyer pays price × qty in the quote asset and receives
// qty × baseUnitsPerLot of the base asset. Fees are separate entries.

import { binaryCloses, binaryFillCash, type Side } from '@bourse/engine';

/** The instrument facts the cash rules need (a projection of the spec). */
export interface CashTerms {
  readonly kind: 'binary' | 'spot';
  readonly moneyAssetId: number;
  readonly baseAssetId: number | null;
  readonly payoutTicks: number;
  readonly moneyPerTickLot: number;
  readonly baseUnitsPerLot: number;
}

/** One signed movement for one account. */
export interface CashLeg {
  readonly assetId: number;
  readonly amount: number;
}

/**
 * Cash of one binary fill leg for an account holding `positionLots` (+YES/−NO) before the fill, who
 * trades `qtyLots` on `side` at `priceTicks`. Positive = the account receives money.
 */
export function binaryLegCash(
  terms: CashTerms,
  side: Side,
  positionLots: number,
  priceTicks: number,
  qtyLots: number,
): number {
  const buy = side === 'buy';
  const closes = binaryCloses(positionLots, buy, qtyLots);
  return binaryFillCash(buy, priceTicks, qtyLots, closes, terms.payoutTicks, terms.moneyPerTickLot);
}

/** Cash legs of one spot fill side: quote out and base in for a buyer, the reverse for a seller. */
export function spotLegCash(
  terms: CashTerms,
  side: Side,
  priceTicks: number,
  qtyLots: number,
): readonly CashLeg[] {
  const quote = priceTicks * qtyLots * terms.moneyPerTickLot;
  const base = qtyLots * terms.baseUnitsPerLot;
  const sign = side === 'buy' ? 1 : -1;
  return [
    { assetId: terms.moneyAssetId, amount: -sign * quote },
    { assetId: terms.baseAssetId ?? terms.moneyAssetId, amount: sign * base },
  ];
}

/** The position change of a fill leg: +qty for a buyer, −qty for a seller. */
export function positionDelta(side: Side, qtyLots: number): number {
  return side === 'buy' ? qtyLots : -qtyLots;
}
