// A binary market's price grid in Kalshi's terms (`price_level_structure`, `price_ranges`) and the check
// that a requested dollar price is a valid order price: strictly inside (0, 1), on the tick grid and
// inside the market's own min/max. The engine has one tick size per market, so `tapered_deci_cent`
// grids are not produced.

import type { BinarySpec } from '@bourse/engine';
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
  const micros = parseDollarsToMicros(text);
  if (micros === undefined) {
    throw new KalshiError('invalid_price', `${field} must be a dollar string such as "0.56".`);
  }
  const ticks = microsToTicks(micros, spec);
  if (ticks === undefined || ticks <= 0 || ticks >= spec.payoutTicks) {
    throw new KalshiError('invalid_price', `${field} must be strictly between 0 and 1.`);
  }
  if (ticks % spec.tickSize !== 0) {
    throw new KalshiError(
      'invalid_price',
      `${field} must be on the ${formatTicks(spec.tickSize, spec)} grid.`,
    );
  }
  if (ticks < spec.minPriceTicks || ticks > spec.maxPriceTicks) {
    throw new KalshiError(
      'invalid_price',
      `${field} must be within ${formatTicks(spec.minPriceTicks, spec)}..${formatTicks(spec.maxPriceTicks, spec)}.`,
    );
  }
  return ticks;
}

/** Legacy integer cents (`yes_price: 42`) → ticks, with the same checks. */
export function parseCentsPrice(spec: BinarySpec, field: string, cents: unknown): number {
  if (typeof cents !== 'number' || !Number.isSafeInteger(cents) || cents <= 0 || cents >= 100) {
    throw new KalshiError('invalid_price', `${field} must be an integer number of cents 1..99.`);
  }
  return parseOrderPrice(spec, field, `0.${String(cents).padStart(2, '0')}`);
}
