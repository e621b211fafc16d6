// What a new market's spec must satisfy before the engine creates it: every number a safe integer of
// the right sign, a price grid of at most MAX_PRICE_LEVELS levels, a known fee schedule, existing
// assets, and for binary markets a payout above every price and an escrow that stays a safe integer.

import type { EngineState } from './engine-state.ts';
import { isIdentifier } from './identifiers.ts';
import { invalidField } from './invalid-field.ts';
import { type InstrumentSpec, MAX_PRICE_LEVELS } from './instrument.ts';
import type { RejectCode } from './reject-codes.ts';
import { isPositiveInt, isSafeInt } from './units.ts';

/** Why the spec cannot make a market (the reject code), or undefined when it can. */
export function specProblem(e: EngineState, spec: InstrumentSpec): RejectCode | undefined {
  if (typeof spec !== 'object' || spec === null) return invalidField('spec', 'an object');
  if (!isSafeInt(spec.instrumentId) || spec.instrumentId < 0) {
    return invalidField('instrumentId', 'a non-negative safe integer');
  }
  if (e.instById.has(spec.instrumentId)) return 'DUPLICATE_ID';
  if (!isIdentifier(spec.symbol, 64)) {
    return invalidField('symbol', 'an identifier of at most 64 characters');
  }
  return gridProblem(spec) ?? limitsProblem(spec) ?? feesProblem(spec) ?? kindProblem(e, spec);
}

const POSITIVE = 'a positive safe integer';

function gridProblem(spec: InstrumentSpec): RejectCode | undefined {
  for (const field of ['tickSize', 'lotSize', 'moneyPerTickLot', 'minPriceTicks'] as const) {
    if (!isPositiveInt(spec[field])) return invalidField(field, POSITIVE);
  }
  if (!isPositiveInt(spec.maxPriceTicks)) return invalidField('maxPriceTicks', POSITIVE);
  if (spec.maxPriceTicks < spec.minPriceTicks) {
    return invalidField('maxPriceTicks', 'at least minPriceTicks');
  }
  if ((spec.maxPriceTicks - spec.minPriceTicks) % spec.tickSize !== 0) {
    return invalidField('maxPriceTicks', 'minPriceTicks plus a multiple of tickSize');
  }
  if ((spec.maxPriceTicks - spec.minPriceTicks) / spec.tickSize + 1 > MAX_PRICE_LEVELS) {
    return invalidField('maxPriceTicks', `at most ${MAX_PRICE_LEVELS} price levels`);
  }
  return undefined;
}

function limitsProblem(spec: InstrumentSpec): RejectCode | undefined {
  const lim = spec.limits;
  if (typeof lim !== 'object' || lim === null) return invalidField('limits', 'an object');
  for (const field of [
    'maxOrderQtyLots',
    'maxOrderNotional',
    'maxPositionLots',
    'priceBandTicks',
  ] as const) {
    const x = lim[field];
    if (!isSafeInt(x) || x < 0)
      return invalidField(`limits.${field}`, 'a non-negative safe integer');
  }
  return undefined;
}

function feesProblem(spec: InstrumentSpec): RejectCode | undefined {
  const f = spec.fees;
  if (typeof f !== 'object' || f === null) return invalidField('fees', 'an object');
  if (f.kind === 'bps') {
    for (const field of ['makerBps', 'takerBps'] as const) {
      const x = f[field];
      if (!isSafeInt(x) || x < 0 || x > 10_000) {
        return invalidField(`fees.${field}`, 'an integer from 0 to 10000');
      }
    }
  } else if (f.kind === 'kalshi') {
    if (spec.kind !== 'binary') return invalidField('fees.kind', 'kalshi only on binary markets');
    for (const field of ['makerRatePpm', 'takerRatePpm'] as const) {
      const x = f[field];
      if (!isSafeInt(x) || x < 0 || x > 1_000_000) {
        return invalidField(`fees.${field}`, 'an integer from 0 to 1000000');
      }
    }
    if (!isPositiveInt(f.roundingUnit)) return invalidField('fees.roundingUnit', POSITIVE);
  } else if (f.kind !== 'none') return invalidField('fees.kind', 'none, bps or kalshi');
  return undefined;
}

function kindProblem(e: EngineState, spec: InstrumentSpec): RejectCode | undefined {
  if (spec.kind === 'binary') {
    if (!e.assetsById.has(spec.settlementAssetId)) return 'UNKNOWN_ASSET';
    if (!isPositiveInt(spec.payoutTicks)) return invalidField('payoutTicks', POSITIVE);
    if (!isPositiveInt(spec.lotsPerContract)) return invalidField('lotsPerContract', POSITIVE);
    if (spec.maxPriceTicks >= spec.payoutTicks) {
      return invalidField('maxPriceTicks', 'below payoutTicks');
    }
    for (const field of ['seriesTicker', 'eventTicker', 'title'] as const) {
      if (typeof spec[field] !== 'string') return invalidField(field, 'a string');
    }
    // Escrow per lot pair must stay a safe integer for any realistic position.
    if (!isSafeInt(spec.payoutTicks * spec.moneyPerTickLot * 1e6)) {
      return invalidField('payoutTicks', 'payoutTicks × moneyPerTickLot × 10⁶ a safe integer');
    }
  } else if (spec.kind === 'spot') {
    if (!e.assetsById.has(spec.baseAssetId) || !e.assetsById.has(spec.quoteAssetId)) {
      return 'UNKNOWN_ASSET';
    }
    if (spec.baseAssetId === spec.quoteAssetId) {
      return invalidField('quoteAssetId', 'another asset than baseAssetId');
    }
    if (!isPositiveInt(spec.baseUnitsPerLot)) return invalidField('baseUnitsPerLot', POSITIVE);
  } else return invalidField('kind', 'binary or spot');
  return undefined;
}
