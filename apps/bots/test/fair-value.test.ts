// The bots' building blocks: the seeded PRNG repeats itself for a seed, and the fair value walks on the
// grid without ever leaving the band that keeps both sides of a quote ladder inside the price range.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { priceViolation } from '@bourse/engine/rules';
import { FairValue, SeededRandom } from '../src/index.ts';

test('the same seed gives the same sequence; values stay in range', () => {
  const a = new SeededRandom(42);
  const b = new SeededRandom(42);
  for (let i = 0; i < 1_000; i++) {
    const x = a.next();
    assert.equal(x, b.next());
    assert.ok(x >= 0 && x < 1);
    const n = a.int(-3, 3);
    b.int(-3, 3);
    assert.ok(Number.isInteger(n) && n >= -3 && n <= 3);
  }
});

test('fair value stays on the grid and inside the margins', () => {
  const grid = { tickSize: 100, minPriceTicks: 100, maxPriceTicks: 9_900 };
  const fv = new FairValue(grid, 150, 5);
  assert.equal(fv.priceTicks, 600);
  const rng = new SeededRandom(7);
  for (let i = 0; i < 10_000; i++) {
    const p = fv.step(rng, 3);
    assert.equal(p % 100, 0);
    assert.ok(p >= 600 && p <= 9_400, `price ${p}`);
  }
});

test('on a grid that starts half a tick in, the fair value stays on that grid', () => {
  const grid = { tickSize: 100, minPriceTicks: 50, maxPriceTicks: 9_950 };
  const fv = new FairValue(grid, 5_000, 5);
  assert.equal(priceViolation(grid, fv.priceTicks), undefined, `start ${fv.priceTicks}`);
  const rng = new SeededRandom(11);
  for (let i = 0; i < 10_000; i++) {
    const p = fv.step(rng, 3);
    assert.equal(priceViolation(grid, p), undefined, `price ${p}`);
  }
});
