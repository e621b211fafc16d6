// A binary market's price grid in Kalshi's terms (`price_level_structure`, `price_ranges`) and the check
// that a requested dollar price is a valid order price: strictly inside (0, 1), on the tick grid and
// inside the market's own min/max. The engine has one tick size per market, so `tapered_deci_cent`
// grids are not produced.

import { type BinarySpec, priceViolation } from '@bourse/engine';
import { formatTicks, microsToTicks, parseDollarsToMicros } from './fixed-point.ts';
import { KalshiError } from './kalshi-error.ts';

export interface PriceRange {
  readonly start: string;
  readonly end: string;
  readonly step: string;
}

export function priceLevelStructure(spec: BinarySpec): string {
  const cent = spec.payoutTicks / 100;
  if (spec.tickSize === cent) return 'linear_cent';
  if (spec.tickSize * 10 === cent) return 'deci_cent';
  return 'custom';
}

/** One range covering the grid; its ends are the first prices outside the tradable band. */
export function priceRanges(spec: BinarySpec): PriceRange[] {
  return [
    {
      start: formatTicks(spec.minPriceTicks - spec.tickSize, spec),
      end: formatTicks(spec.maxPriceTicks + spec.tickSize, spec),
      step: formatTicks(spec.tickSize, spec),
    },
  ];
}

/** A YES-price dollar string → ticks, or `invalid_price` explaining why not. */
export function parseOrderPrice(spec: BinarySpec, field: string, text: unknown): number {
  return checkYesPrice(spec, field, parseDollarPrice(spec, field, text));
}

/**
 * A dollar price string → ticks strictly inside (0, 1), not yet checked against the grid: a NO price
 * is judged once turned into the YES price the book uses.
 */
export function parseDollarPrice(spec: BinarySpec, field: string, text: unknown): number {
  const micros = parseDollarsToMicros(text);
  if (micros === undefined) {
    throw new KalshiError('invalid_price', `${field} must be a dollar string such as "0.56".`);
  }
  const ticks = microsToTicks(micros, spec);
  if (ticks === undefined || ticks <= 0 || ticks >= spec.payoutTicks) {
    throw new KalshiError('invalid_price', `${field} must be strictly between 0 and 1.`);
  }
  return ticks;
}

/** Legacy integer cents (`yes_price: 42`) → ticks strictly inside (0, 1), like `parseDollarPrice`. */
export function parseCentsPrice(spec: BinarySpec, field: string, cents: unknown): number {
  if (typeof cents !== 'number' || !Number.isSafeInteger(cents) || cents <= 0 || cents >= 100) {
    throw new KalshiError('invalid_price', `${field} must be an integer number of cents 1..99.`);
  }
  return parseDollarPrice(spec, field, `0.${String(cents).padStart(2, '0')}`);
}

/** A YES price in ticks, by the engine's grid rule; `invalid_price` naming the grid if it fails. */
export function checkYesPrice(spec: BinarySpec, field: string, yesTicks: number): number {
  const violation = priceViolation(spec, yesTicks);
  if (violation === undefined) return yesTicks;
  const lo = formatTicks(spec.minPriceTicks, spec);
  const hi = formatTicks(spec.maxPriceTicks, spec);
  const step = formatTicks(spec.tickSize, spec);
  throw new KalshiError(
    'invalid_price',
    violation === 'PRICE_OFF_GRID'
      ? `${field} must be on the grid of ${lo} plus multiples of ${step}.`
      : `${field} must be within ${lo}..${hi} (as a YES price).`,
  );
}
