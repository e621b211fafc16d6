// The exported order rules are the ones the engine applies: the grid check agrees with what the engine
// accepts on a grid that does not start at a multiple of its tick, snapping lands on that grid, and the
// fee function gives the fee the engine charges on the fill, for every schedule.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeGrid,
  feeFor,
  feePeakPrice,
  isLotMultiple,
  priceViolation,
  roundToLots,
  snapToGrid,
} from '../src/index.ts';
import { binarySpec, DOLLAR, Harness, ofType, spotSpec } from './support/harness.ts';

const M = 7;
const offset = binarySpec(M, { tickSize: 100, minPriceTicks: 50, maxPriceTicks: 9_950 });

test('tick 100 from 50: the rule and the engine agree price by price', () => {
  const h = new Harness().setup([1], 1_000 * DOLLAR).market(offset);
  for (const price of [0, 49, 50, 100, 150, 200, 250, 5_000, 5_050, 9_950, 9_951, 10_050]) {
    const rule = priceViolation(offset, price);
    const { events } = h.place({
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'limit',
      priceTicks: price,
      qtyLots: 100,
      tif: 'ioc',
    });
    const rejected = ofType(events, 'rejected')[0]?.reason;
    assert.equal(rejected, rule, `price ${price}`);
  }
  assert.equal(priceViolation(offset, 150), undefined);
  assert.equal(priceViolation(offset, 200), 'PRICE_OFF_GRID');
  assert.equal(priceViolation(offset, 1.5), 'INVALID_PRICE');
  assert.equal(priceViolation(offset, 10_050), 'PRICE_OUT_OF_RANGE');
  assert.equal(describeGrid(offset), '50 + a multiple of 100 ticks within 50..9950');
});

test('snapping lands on the grid and inside its range', () => {
  assert.equal(snapToGrid(offset, 200), 250);
  assert.equal(snapToGrid(offset, 199), 150);
  assert.equal(snapToGrid(offset, 200, 'down'), 150);
  assert.equal(snapToGrid(offset, 151, 'up'), 250);
  assert.equal(snapToGrid(offset, -500), 50);
  assert.equal(snapToGrid(offset, 20_000), 9_950);
  for (let p = -100; p < 10_100; p += 37) {
    assert.equal(priceViolation(offset, snapToGrid(offset, p)), undefined, `from ${p}`);
  }
});

test('lots: multiples and rounding', () => {
  assert.equal(isLotMultiple({ lotSize: 100 }, 300), true);
  assert.equal(isLotMultiple({ lotSize: 100 }, 150), false);
  assert.equal(roundToLots({ lotSize: 100 }, 199), 100);
  assert.equal(roundToLots({ lotSize: 100 }, 150, 'nearest'), 200);
});

test('feeFor gives the fees the engine charges on a fill', () => {
  const kalshi = {
    kind: 'kalshi',
    makerRatePpm: 17_500,
    takerRatePpm: 70_000,
    roundingUnit: 10_000,
  } as const;
  const bps = { kind: 'bps', makerBps: 3, takerBps: 11 } as const;
  const markets = [
    binarySpec(11, { fees: kalshi }),
    binarySpec(12, {
      fees: kalshi,
      tickSize: 10,
      minPriceTicks: 10,
      maxPriceTicks: 9_990,
    }),
    spotSpec(13, { fees: bps }),
  ];
  for (const spec of markets) {
    const h = new Harness().setup([1, 2], 100_000 * DOLLAR, 1_000_000_000).market(spec);
    for (const [price, qty] of [
      [spec.minPriceTicks, spec.lotSize],
      [snapToGrid(spec, 4_237), 7 * spec.lotSize],
      [snapToGrid(spec, 9_000), 123 * spec.lotSize],
    ] as const) {
      h.ok({
        accountId: 1,
        instrumentId: spec.instrumentId,
        side: 'sell',
        orderType: 'limit',
        priceTicks: price,
        qtyLots: qty,
        tif: 'gtc',
      });
      const { events } = h.place({
        accountId: 2,
        instrumentId: spec.instrumentId,
        side: 'buy',
        orderType: 'limit',
        priceTicks: price,
        qtyLots: qty,
        tif: 'ioc',
      });
      const f = ofType(events, 'fill')[0]!;
      const what = `${spec.symbol} ${qty} at ${price}`;
      assert.equal(f.takerFee, feeFor(spec, 'taker', price, qty), what);
      assert.equal(f.makerFee, feeFor(spec, 'maker', price, qty), what);
      assert.equal(feeFor(spec, 'max', price, qty), Math.max(f.takerFee, f.makerFee), what);
    }
  }
});

test('feePeakPrice and the max rate give the fee the engine reserves with a resting order', () => {
  const kalshi = {
    kind: 'kalshi',
    makerRatePpm: 0,
    takerRatePpm: 70_000,
    roundingUnit: 10_000,
  } as const;
  const bps = { kind: 'bps', makerBps: 3, takerBps: 11 } as const;
  for (const spec of [binarySpec(21, { fees: kalshi }), binarySpec(22, { fees: bps })]) {
    for (const side of ['buy', 'sell'] as const) {
      for (const price of [1_200, 5_000, 8_700]) {
        const h = new Harness().setup([1], 100_000 * DOLLAR).market(spec);
        const qty = 7 * spec.lotSize;
        h.ok({
          accountId: 1,
          instrumentId: spec.instrumentId,
          side,
          orderType: 'limit',
          priceTicks: price,
          qtyLots: qty,
          tif: 'gtc',
        });
        const principal = (side === 'buy' ? price : spec.payoutTicks - price) * qty;
        const fee = feeFor(spec, 'max', feePeakPrice(spec, side, price), qty);
        const what = `${spec.fees.kind} ${side} ${qty} at ${price}`;
        assert.equal(h.usd(1).reserved, principal * spec.moneyPerTickLot + fee, what);
      }
    }
  }
  // A Kalshi buy at 12¢ can fill lower, where the fee is smaller; a sell at 12¢ can fill up to 50¢.
  const k = binarySpec(23, { fees: kalshi });
  assert.equal(feePeakPrice(k, 'buy', 1_200), 1_200);
  assert.equal(feePeakPrice(k, 'sell', 1_200), 5_000);
});
