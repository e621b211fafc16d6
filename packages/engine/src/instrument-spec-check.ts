// What a new market's spec must satisfy before the engine creates it: every number a safe integer of
// the right sign, a price grid of at most MAX_PRICE_LEVELS levels, a known fee schedule, existing
// assets, and for binary markets a payout above every price and an escrow that stays a safe integer.

import type { EngineState } from './engine-state.ts';
import { isIdentifier } from './identifiers.ts';
import { type InstrumentSpec, MAX_PRICE_LEVELS } from './instrument.ts';
import type { RejectCode } from './reject-codes.ts';
import { isPositiveInt, isSafeInt } from './units.ts';

/** Why the spec cannot make a market (the reject code), or undefined when it can. */
export function specProblem(e: EngineState, spec: InstrumentSpec): RejectCode | undefined {
  if (typeof spec !== 'object' || spec === null) return 'INVALID_FIELD';
  if (!isSafeInt(spec.instrumentId) || spec.instrumentId < 0) return 'INVALID_FIELD';
  if (e.instById.has(spec.instrumentId)) return 'DUPLICATE_ID';
  if (!isIdentifier(spec.symbol, 64)) return 'INVALID_FIELD';
  for (const x of [spec.tickSize, spec.lotSize, spec.moneyPerTickLot]) {
    if (!isPositiveInt(x)) return 'INVALID_FIELD';
  }
  if (!isPositiveInt(spec.minPriceTicks) || !isPositiveInt(spec.maxPriceTicks))
    return 'INVALID_FIELD';
  if (spec.maxPriceTicks < spec.minPriceTicks) return 'INVALID_FIELD';
  if ((spec.maxPriceTicks - spec.minPriceTicks) % spec.tickSize !== 0) return 'INVALID_FIELD';
  if ((spec.maxPriceTicks - spec.minPriceTicks) / spec.tickSize + 1 > MAX_PRICE_LEVELS) {
    return 'INVALID_FIELD';
  }
  const lim = spec.limits;
  if (typeof lim !== 'object' || lim === null) return 'INVALID_FIELD';
  for (const x of [
    lim.maxOrderQtyLots,
    lim.maxOrderNotional,
    lim.maxPositionLots,
    lim.priceBandTicks,
  ]) {
    if (!isSafeInt(x) || x < 0) return 'INVALID_FIELD';
  }
  const f = spec.fees;
  if (typeof f !== 'object' || f === null) return 'INVALID_FIELD';
  if (f.kind === 'bps') {
    if (!isSafeInt(f.makerBps) || !isSafeInt(f.takerBps)) return 'INVALID_FIELD';
    if (f.makerBps < 0 || f.takerBps < 0 || f.makerBps > 10_000 || f.takerBps > 10_000) {
      return 'INVALID_FIELD';
    }
  } else if (f.kind === 'kalshi') {
    if (spec.kind !== 'binary') return 'INVALID_FIELD';
    for (const x of [f.makerRatePpm, f.takerRatePpm]) {
      if (!isSafeInt(x) || x < 0 || x > 1_000_000) return 'INVALID_FIELD';
    }
    if (!isPositiveInt(f.roundingUnit)) return 'INVALID_FIELD';
  } else if (f.kind !== 'none') return 'INVALID_FIELD';
  if (spec.kind === 'binary') {
    if (!e.assetsById.has(spec.settlementAssetId)) return 'UNKNOWN_ASSET';
    if (!isPositiveInt(spec.payoutTicks) || !isPositiveInt(spec.lotsPerContract))
      return 'INVALID_FIELD';
    if (spec.maxPriceTicks >= spec.payoutTicks) return 'INVALID_FIELD';
    for (const s of [spec.seriesTicker, spec.eventTicker, spec.title]) {
      if (typeof s !== 'string') return 'INVALID_FIELD';
    }
    // Escrow per lot pair must stay a safe integer for any realistic position.
    if (!isSafeInt(spec.payoutTicks * spec.moneyPerTickLot * 1e6)) return 'INVALID_FIELD';
  } else if (spec.kind === 'spot') {
    if (!e.assetsById.has(spec.baseAssetId) || !e.assetsById.has(spec.quoteAssetId)) {
      return 'UNKNOWN_ASSET';
    }
    if (spec.baseAssetId === spec.quoteAssetId) return 'INVALID_FIELD';
    if (!isPositiveInt(spec.baseUnitsPerLot)) return 'INVALID_FIELD';
  } else return 'INVALID_FIELD';
  return undefined;
}
