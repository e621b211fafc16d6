// Worked examples with exact integers: binary trades in all four open/close combinations,
// settlement (YES, NO, scalar) and fees (Kalshi rounding and basis points). Units: USD in micros,
// binary prices in 1/10,000 $, 100 lots per contract.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binaryPicture, expectReject, expectRejectPlace, expectSound } from './support/expect.ts';
import { binarySpec, DOLLAR, fills, Harness, ofType, spotSpec } from './support/harness.ts';

const M = 10;
const START = 100 * DOLLAR;

describe('binary trades: open/open, open/close, close/open, close/close', () => {
  const h = new Harness().setup([1, 2, 3, 4], START).market(binarySpec(M));
  const market = () => {
    const i = h.engine.instrument(M)!;
    return { escrow: i.escrow, openInterest: i.openInterestLots };
  };

  let restingBuy = 0;
  test('given a resting buy, its cash is reserved at its limit', () => {
    restingBuy = h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 4200,
      qtyLots: 1000,
      tif: 'gtc',
    });
    assert.deepEqual(binaryPicture(h, 1, M), {
      available: START - 4_200_000,
      reserved: 4_200_000,
      lots: 0,
      costBasis: 0,
      realisedPnl: 0,
    });
  });

  test('open/open: NO opened against YES opened puts $1 per pair in escrow', () => {
    const { events } = h.place({
      accountId: 2,
      instrumentId: M,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 4200,
      qtyLots: 1000,
      tif: 'gtc',
    });
    assert.deepEqual(fills(events), [{ maker: restingBuy, taker: h.seq, price: 4200, qty: 1000 }]);
    assert.deepEqual(binaryPicture(h, 1, M), {
      available: START - 4_200_000,
      reserved: 0,
      lots: 1000,
      costBasis: 4_200_000,
      realisedPnl: 0,
    });
    assert.deepEqual(binaryPicture(h, 2, M), {
      available: START - 5_800_000,
      reserved: 0,
      lots: -1000,
      costBasis: 5_800_000,
      realisedPnl: 0,
    });
    assert.deepEqual(market(), { escrow: 10_000_000, openInterest: 1000 });
    expectSound(h);
  });

  test('open/close: a buyer opening YES from a seller closing YES leaves escrow alone', () => {
    h.ok({
      accountId: 3,
      instrumentId: M,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 5000,
      qtyLots: 400,
      tif: 'gtc',
    });
    // Account 1 sells 400 of its 1000 YES at $0.50: receives $2.00, cost of those lots was $1.68.
    const { events } = h.place({
      accountId: 1,
      instrumentId: M,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 5000,
      qtyLots: 400,
      tif: 'ioc',
    });
    assert.equal(fills(events).length, 1);
    assert.deepEqual(binaryPicture(h, 1, M), {
      available: START - 4_200_000 + 2_000_000,
      reserved: 0,
      lots: 600,
      costBasis: 2_520_000,
      realisedPnl: 320_000,
    });
    assert.deepEqual(binaryPicture(h, 3, M), {
      available: START - 2_000_000,
      reserved: 0,
      lots: 400,
      costBasis: 2_000_000,
      realisedPnl: 0,
    });
    assert.deepEqual(market(), { escrow: 10_000_000, openInterest: 1000 });
    expectSound(h);
  });

  test('close/open: a buyer closing NO from a seller opening NO leaves escrow alone', () => {
    h.ok({
      accountId: 4,
      instrumentId: M,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 3000,
      qtyLots: 300,
      tif: 'gtc',
    });
    assert.deepEqual(binaryPicture(h, 4, M), {
      available: START - 2_100_000,
      reserved: 2_100_000,
      lots: 0,
      costBasis: 0,
      realisedPnl: 0,
    });
    // Account 2 holds 1000 NO bought for $5.80; buying 300 YES at $0.30 closes 300 NO at $0.70.
    h.place({
      accountId: 2,
      instrumentId: M,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 3000,
      qtyLots: 300,
      tif: 'ioc',
    });
    assert.deepEqual(binaryPicture(h, 2, M), {
      available: START - 5_800_000 + 2_100_000,
      reserved: 0,
      lots: -700,
      costBasis: 4_060_000,
      realisedPnl: 360_000,
    });
    assert.deepEqual(binaryPicture(h, 4, M), {
      available: START - 2_100_000,
      reserved: 0,
      lots: -300,
      costBasis: 2_100_000,
      realisedPnl: 0,
    });
    assert.deepEqual(market(), { escrow: 10_000_000, openInterest: 1000 });
    expectSound(h);
  });

  test('close/close: YES holder sells to NO holder, escrow pays both, $1 per pair', () => {
    // Account 1 (600 YES, basis $2.52) sells 500 at $0.60 to account 2 (700 NO, basis $4.06).
    const oid = h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 6000,
      qtyLots: 500,
      tif: 'gtc',
    });
    // Closing reserves position, not cash.
    assert.equal(h.engine.order(oid)!.reservedPosLots, 500);
    assert.equal(h.usd(1).reserved, 0);
    h.place({
      accountId: 2,
      instrumentId: M,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 6000,
      qtyLots: 500,
      tif: 'gtc',
    });
    // 1 receives 500 × $0.60 = $3.00 for lots that cost 2.52 × 5/6 = $2.10.
    assert.deepEqual(binaryPicture(h, 1, M), {
      available: START - 2_200_000 + 3_000_000,
      reserved: 0,
      lots: 100,
      costBasis: 420_000,
      realisedPnl: 320_000 + 900_000,
    });
    // 2 receives 500 × $0.40 = $2.00 for lots that cost 4.06 × 5/7 = $2.90.
    assert.deepEqual(binaryPicture(h, 2, M), {
      available: START - 3_700_000 + 2_000_000,
      reserved: 0,
      lots: -200,
      costBasis: 1_160_000,
      realisedPnl: 360_000 - 900_000,
    });
    assert.deepEqual(market(), { escrow: 5_000_000, openInterest: 500 });
    expectSound(h);
  });

  test('settlement YES pays $1 per YES lot pair, NO holders nothing, escrow ends at zero', () => {
    // Holders now: 1: +100, 3: +400, 2: −200, 4: −300.
    h.must({ type: 'setMarketStatus', instrumentId: M, status: 'closed' });
    const ev = h.must({ type: 'settleMarket', instrumentId: M, result: 'yes' });
    const paid = Object.fromEntries(ofType(ev, 'settled').map((s) => [s.accountId, s.payout]));
    assert.deepEqual(paid, { 1: 1_000_000, 3: 4_000_000, 2: 0, 4: 0 });
    assert.deepEqual(ofType(ev, 'marketSettled')[0]!.escrowLeft, 0);
    assert.deepEqual(market(), { escrow: 0, openInterest: 0 });
    assert.deepEqual(binaryPicture(h, 3, M), {
      available: START + 2_000_000,
      reserved: 0,
      lots: 0,
      costBasis: 0,
      realisedPnl: 2_000_000,
    });
    assert.deepEqual(binaryPicture(h, 4, M), {
      available: START - 2_100_000,
      reserved: 0,
      lots: 0,
      costBasis: 0,
      realisedPnl: -2_100_000,
    });
    // Nobody gains money overall: four accounts started with $400.
    const total = [1, 2, 3, 4].reduce((s, a) => s + h.usd(a).available, 0);
    assert.equal(total, 4 * START);
    expectSound(h);
    expectReject(h, { type: 'settleMarket', instrumentId: M, result: 'no' }, 'INVALID_STATE');
  });
});

/** A market where account 1 holds 300 YES bought at $0.25 and account 2 the matching 300 NO. */
function heldMarket(): Harness {
  const h = new Harness().setup([1, 2], START).market(binarySpec(M));
  h.ok({
    accountId: 1,
    instrumentId: M,
    side: 'buy',
    orderType: 'limit',
    priceTicks: 2500,
    qtyLots: 300,
    tif: 'gtc',
  });
  h.ok({
    accountId: 2,
    instrumentId: M,
    side: 'sell',
    orderType: 'limit',
    priceTicks: 2500,
    qtyLots: 300,
    tif: 'gtc',
  });
  h.must({ type: 'setMarketStatus', instrumentId: M, status: 'closed' });
  return h;
}

describe('settlement', () => {
  const cases = [
    { result: 'yes', valueTicks: undefined, yes: 3_000_000, no: 0 },
    { result: 'no', valueTicks: undefined, yes: 0, no: 3_000_000 },
    { result: 'scalar', valueTicks: 3700, yes: 1_110_000, no: 1_890_000 },
    { result: 'scalar', valueTicks: 0, yes: 0, no: 3_000_000 },
  ] as const;
  for (const c of cases) {
    const at = c.valueTicks === undefined ? '' : ` at ${c.valueTicks}`;
    test(`${c.result}${at} pays YES ${c.yes}, NO ${c.no}`, () => {
      const h = heldMarket();
      assert.equal(h.engine.instrument(M)!.escrow, 3_000_000);
      const ev = h.must({
        type: 'settleMarket',
        instrumentId: M,
        result: c.result,
        ...(c.valueTicks === undefined ? {} : { valueTicks: c.valueTicks }),
      });
      assert.deepEqual(
        ofType(ev, 'settled').map((s) => [s.accountId, s.positionLots, s.payout, s.realisedPnl]),
        [
          [1, 300, c.yes, c.yes - 750_000],
          [2, -300, c.no, c.no - 2_250_000],
        ],
      );
      assert.equal(h.usd(1).available, START - 750_000 + c.yes);
      assert.equal(h.usd(2).available, START - 2_250_000 + c.no);
      const inst = h.engine.instrument(M)!;
      assert.equal(inst.escrow, 0);
      assert.equal(inst.status, 'settled');
      assert.deepEqual(inst.settlement, {
        result: c.result,
        valueTicks: c.valueTicks ?? (c.result === 'yes' ? 10_000 : 0),
      });
      expectSound(h);
    });
  }

  test('settling needs a closed binary market and a value on the payout range', () => {
    const h = new Harness().setup([1], START).market(binarySpec(M)).market(spotSpec(20));
    expectReject(h, { type: 'settleMarket', instrumentId: M, result: 'yes' }, 'INVALID_STATE');
    expectReject(
      h,
      { type: 'settleMarket', instrumentId: 99, result: 'yes' },
      'UNKNOWN_INSTRUMENT',
    );
    h.must({ type: 'setMarketStatus', instrumentId: 20, status: 'closed' });
    expectReject(
      h,
      { type: 'settleMarket', instrumentId: 20, result: 'yes' },
      'INVALID_SETTLEMENT',
    );
    h.must({ type: 'setMarketStatus', instrumentId: M, status: 'closed' });
    expectReject(
      h,
      { type: 'settleMarket', instrumentId: M, result: 'scalar', valueTicks: 10_001 },
      'INVALID_SETTLEMENT',
    );
    expectReject(
      h,
      { type: 'settleMarket', instrumentId: M, result: 'scalar' },
      'INVALID_SETTLEMENT',
    );
  });
});

describe('fees', () => {
  const kalshi = {
    kind: 'kalshi',
    makerRatePpm: 17_500,
    takerRatePpm: 70_000,
    roundingUnit: 10_000,
  } as const;
  const cases = [
    { contracts: 100, price: 5000, taker: 1_750_000, maker: 440_000 },
    { contracts: 1, price: 5000, taker: 20_000, maker: 10_000 },
    { contracts: 1, price: 4200, taker: 20_000, maker: 10_000 },
    { contracts: 10, price: 3000, taker: 150_000, maker: 40_000 },
    { contracts: 1000, price: 100, taker: 700_000, maker: 180_000 },
  ];
  for (const c of cases) {
    const trade = `${c.contracts} contracts at ${c.price / 100}¢`;
    test(`Kalshi 7%/1.75%: ${trade} → taker ${c.taker}, maker ${c.maker}`, () => {
      const h = new Harness()
        .setup([1, 2], 10_000 * DOLLAR)
        .market(binarySpec(M, { fees: kalshi }));
      const qty = c.contracts * 100;
      h.ok({
        accountId: 1,
        instrumentId: M,
        side: 'sell',
        orderType: 'limit',
        priceTicks: c.price,
        qtyLots: qty,
        tif: 'gtc',
      });
      const { events } = h.place({
        accountId: 2,
        instrumentId: M,
        side: 'buy',
        orderType: 'limit',
        priceTicks: c.price,
        qtyLots: qty,
        tif: 'ioc',
      });
      const f = ofType(events, 'fill')[0]!;
      assert.deepEqual([f.takerFee, f.makerFee], [c.taker, c.maker]);
      assert.equal(h.usd(0).available, c.taker + c.maker);
      assert.equal(h.usd(2).available, 10_000 * DOLLAR - c.price * qty - c.taker);
      assert.equal(h.usd(1).available, 10_000 * DOLLAR - (10_000 - c.price) * qty - c.maker);
      assert.equal(h.engine.position(2, M)!.feesPaid, c.taker);
      expectSound(h);
    });
  }

  test('a resting Kalshi order reserves its worst-case fee and releases it on cancel', () => {
    const h = new Harness().setup([1], 10 * DOLLAR).market(binarySpec(M, { fees: kalshi }));
    const id = h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 5000,
      qtyLots: 1000,
      tif: 'gtc',
    });
    // $5.00 principal + 7% × 10 × 0.25 = $0.175 → $0.18.
    assert.deepEqual(h.usd(1), { available: 10 * DOLLAR - 5_180_000, reserved: 5_180_000 });
    h.must({ type: 'cancelOrder', accountId: 1, orderId: id });
    assert.deepEqual(h.usd(1), { available: 10 * DOLLAR, reserved: 0 });
  });

  test('basis points on spot: taker 10 bps, maker 5 bps of the notional, rounded up', () => {
    const h = new Harness().setup([1, 2], 1000 * DOLLAR, 100_000_000);
    h.market(spotSpec(20, { fees: { kind: 'bps', makerBps: 5, takerBps: 10 } }));
    h.ok({
      accountId: 1,
      instrumentId: 20,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 50_000,
      qtyLots: 2,
      tif: 'gtc',
    });
    assert.deepEqual(h.btc(1), { available: 100_000_000 - 200_000, reserved: 200_000 });
    // Buyer reserves $102 at its $51,000 limit plus 10 bps of that ($0.102).
    const id = h.seq + 1;
    const { events } = h.place({
      accountId: 2,
      instrumentId: 20,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 51_000,
      qtyLots: 3,
      tif: 'gtc',
    });
    const f = ofType(events, 'fill')[0]!;
    assert.deepEqual(
      [f.priceTicks, f.qtyLots, f.takerFee, f.makerFee],
      [50_000, 2, 100_000, 50_000],
    );
    // The rest (1 lot) keeps $51 principal and only its own worst-case fee, 10 bps of $51 = $0.051;
    // the fee reservation of the filled lots is given back at the fill.
    assert.deepEqual(h.usd(2), {
      available: 1000 * DOLLAR - 100_000_000 - 100_000 - 51_051_000,
      reserved: 51_051_000,
    });
    assert.deepEqual(h.btc(2), { available: 100_000_000 + 200_000, reserved: 0 });
    assert.deepEqual(h.usd(1), { available: 1000 * DOLLAR + 100_000_000 - 50_000, reserved: 0 });
    assert.deepEqual(h.btc(1), { available: 100_000_000 - 200_000, reserved: 0 });
    assert.equal(h.usd(0).available, 150_000);
    assert.equal(h.engine.order(id)!.openQtyLots, 1);
    expectSound(h);
  });

  test('a spot market buy with max cost reserves fees on the max cost, not the worst price', () => {
    const h = new Harness().setup([1, 2], 100 * DOLLAR, 100_000_000);
    h.market(spotSpec(20, { fees: { kind: 'bps', makerBps: 10, takerBps: 10 } }));
    h.ok({
      accountId: 2,
      instrumentId: 20,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 50_000,
      qtyLots: 1,
      tif: 'gtc',
    });
    h.ok({
      accountId: 2,
      instrumentId: 20,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 55_000,
      qtyLots: 1,
      tif: 'gtc',
    });
    // Up to $60 of a 1,000-lot order: the fee reservation is 10 bps of $60, not of 1,000 lots at
    // $200k.
    const { orderId, events } = h.place({
      accountId: 1,
      instrumentId: 20,
      side: 'buy',
      orderType: 'market',
      qtyLots: 1000,
      tif: 'ioc',
      maxCost: 60 * DOLLAR,
    });
    const f = ofType(events, 'fill');
    assert.deepEqual(
      f.map((x) => [x.priceTicks, x.qtyLots, x.takerFee]),
      [[50_000, 1, 50_000]],
    );
    assert.deepEqual(
      ofType(events, 'orderCancelled').map((c) => [c.orderId, c.reason]),
      [[orderId, 'protection']],
    );
    assert.deepEqual(h.usd(1), { available: 100 * DOLLAR - 50 * DOLLAR - 50_000, reserved: 0 });
    assert.deepEqual(h.btc(1), { available: 100_000_000 + 100_000, reserved: 0 });
    // Selling spot buys nothing: a max cost on it is a mistake, not a cap.
    expectRejectPlace(
      h,
      {
        accountId: 1,
        instrumentId: 20,
        side: 'sell',
        orderType: 'market',
        qtyLots: 1,
        tif: 'ioc',
        maxCost: DOLLAR,
      },
      'INVALID_FIELD',
    );
    expectSound(h);
  });

  test('bps rounding: one lot at $1 with 1 bp costs one micro, not zero', () => {
    const h = new Harness().setup([1, 2], DOLLAR, 100_000_000);
    h.market(spotSpec(20, { fees: { kind: 'bps', makerBps: 0, takerBps: 1 } }));
    h.ok({
      accountId: 1,
      instrumentId: 20,
      side: 'sell',
      orderType: 'limit',
      priceTicks: 1,
      qtyLots: 1,
      tif: 'gtc',
    });
    const { events } = h.place({
      accountId: 2,
      instrumentId: 20,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 1,
      qtyLots: 1,
      tif: 'ioc',
    });
    // Notional 1,000 micros × 1 bp = 0.1 micro → 1.
    assert.equal(ofType(events, 'fill')[0]!.takerFee, 1);
    assert.equal(h.usd(2).available, DOLLAR - 1_000 - 1);
  });
});

test('a partly filled resting binary order keeps only the fee reserve of what is left', () => {
  const h = new Harness().setup([1, 2], 100 * DOLLAR);
  h.market(
    binarySpec(30, {
      fees: { kind: 'kalshi', makerRatePpm: 0, takerRatePpm: 70_000, roundingUnit: 10_000 },
    }),
  );
  const bid = h.ok({
    accountId: 1,
    instrumentId: 30,
    side: 'buy',
    orderType: 'limit',
    priceTicks: 4000,
    qtyLots: 1000,
    tif: 'gtc',
  });
  h.ok({
    accountId: 2,
    instrumentId: 30,
    side: 'sell',
    orderType: 'limit',
    priceTicks: 4000,
    qtyLots: 400,
    tif: 'ioc',
  });
  // 6 contracts left at 40¢: $2.40 principal + ceil(7% × 6 × 0.24) = $0.11 (not the $0.17 reserved
  // for all 10).
  assert.equal(h.engine.order(bid)!.reservedCash, 2_400_000 + 110_000);
  assert.equal(h.usd(1).reserved, 2_510_000);
  expectSound(h);
});
