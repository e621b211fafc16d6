// The ticket reads prices by the engine's grid rule: on a grid that starts half a cent in (tick 1¢
// from 0.5¢) it takes 1.5¢ and refuses 2¢, exactly as the exchange will, and its fee preview is the
// engine's fee for the fill.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feeFor } from '@bourse/engine';
import { takerFee } from '../ui/format/fees.ts';
import { parsePrice } from '../ui/format/units.ts';
import { binaryMarket } from './support/market-info.ts';

const offset = binaryMarket({
  instrumentId: 3,
  symbol: 'HALF-26-YES',
  minPriceTicks: 50,
  maxPriceTicks: 9_950,
  fees: { kind: 'kalshi', makerRatePpm: 0, takerRatePpm: 70_000, roundingUnit: 10_000 },
});

test('prices on a grid from 0.5¢ in steps of 1¢', () => {
  assert.equal(parsePrice(offset, '1.5'), 150);
  assert.equal(parsePrice(offset, '99.5'), 9_950);
  assert.equal(parsePrice(offset, '2'), undefined);
  assert.equal(parsePrice(offset, '50'), undefined);
});

test("the ticket's fee is the engine's taker fee", () => {
  for (const [p, q] of [
    [150, 100],
    [4_250, 700],
    [9_950, 12_300],
  ] as const) {
    assert.equal(takerFee(offset, p, q), feeFor(offset.spec, 'taker', p, q), `${q} at ${p}`);
  }
});
