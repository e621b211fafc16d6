// Worked examples for order maintenance on a binary market: amend and decrease with their priority
// and risk rules, cancels and cancel-all, self-trade prevention, client order ids and price-time
// priority. Priority is always proven by which maker fills first.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectReject, expectRejectPlace, expectSound } from './support/expect.ts';
import { binarySpec, fills, Harness, ofType, type PlaceBody, USD } from './support/harness.ts';
import { cancelled, lim, M, market, START } from './support/order-fixtures.ts';

describe('amend keeps the entry-time risk rules', () => {
  test('a reduce-only order cannot be amended beyond the position it closes', () => {
    const h = market();
    h.ok(lim(1, 'buy', 5000, 300));
    h.ok(lim(2, 'sell', 5000, 300));
    const r = h.ok(lim(1, 'sell', 6000, 300, { reduceOnly: true }));
    expectReject(
      h,
      { type: 'amendOrder', accountId: 1, orderId: r, qtyLots: 1000 },
      'REDUCE_ONLY_WOULD_INCREASE',
    );
    h.must({ type: 'amendOrder', accountId: 1, orderId: r, priceTicks: 5900 });
    h.place(lim(2, 'buy', 6000, 1000, { tif: 'ioc' }));
    assert.equal(h.lots(1, M), 0);
    expectSound(h);
  });

  test('an amend that grows an order is held to the position limit', () => {
    const h = new Harness().setup([1], START);
    h.market(
      binarySpec(M, {
        limits: {
          maxOrderQtyLots: 0,
          maxOrderNotional: 0,
          maxPositionLots: 500,
          priceBandTicks: 0,
        },
      }),
    );
    const a = h.ok(lim(1, 'buy', 5000, 500));
    expectReject(
      h,
      { type: 'amendOrder', accountId: 1, orderId: a, qtyLots: 600 },
      'POSITION_LIMIT',
    );
    h.must({ type: 'amendOrder', accountId: 1, orderId: a, qtyLots: 400, priceTicks: 4900 });
    expectSound(h);
  });
});

describe('amend, decrease, cancel', () => {
  /** Two makers at 5000: account 1's first, then account 2's. Returns their ids. */
  const twoMakers = (h: Harness) =>
    [h.ok(lim(1, 'sell', 5000, 300)), h.ok(lim(2, 'sell', 5000, 300))] as const;
  const firstMaker = (h: Harness) =>
    fills(h.place(lim(8, 'buy', 5000, 100, { tif: 'ioc' })).events)[0]!.maker;

  test('amending quantity down keeps time priority', () => {
    const h = market();
    const [a] = twoMakers(h);
    const ev = h.must({ type: 'amendOrder', accountId: 1, orderId: a, qtyLots: 200 });
    assert.equal(ofType(ev, 'orderAmended')[0]!.keptPriority, true);
    assert.deepEqual(h.usd(1), { available: START - 1_000_000, reserved: 1_000_000 });
    assert.equal(firstMaker(h), a);
  });

  test('amending quantity up loses time priority', () => {
    const h = market();
    const [a, b] = twoMakers(h);
    const ev = h.must({ type: 'amendOrder', accountId: 1, orderId: a, qtyLots: 400 });
    assert.equal(ofType(ev, 'orderAmended')[0]!.keptPriority, false);
    assert.equal(firstMaker(h), b);
  });

  test('amending the price loses time priority, even when it comes back', () => {
    const h = market();
    const [a, b] = twoMakers(h);
    h.must({ type: 'amendOrder', accountId: 1, orderId: a, priceTicks: 5100 });
    h.must({ type: 'amendOrder', accountId: 1, orderId: a, priceTicks: 5000 });
    assert.equal(firstMaker(h), b);
    expectReject(
      h,
      { type: 'amendOrder', accountId: 1, orderId: a, priceTicks: 5000 },
      'NOTHING_TO_AMEND',
    );
    expectReject(
      h,
      { type: 'amendOrder', accountId: 2, orderId: a, priceTicks: 5100 },
      'NOT_ORDER_OWNER',
    );
  });

  test('an amend that crosses trades like a new order', () => {
    const h = market();
    const ask = h.ok(lim(2, 'sell', 5000, 100));
    const bid = h.ok(lim(1, 'buy', 4800, 300));
    const ev = h.must({ type: 'amendOrder', accountId: 1, orderId: bid, priceTicks: 5000 });
    assert.deepEqual(fills(ev), [{ maker: ask, taker: bid, price: 5000, qty: 100 }]);
    assert.deepEqual(h.engine.book(M)!.bids, [[5000, 200, 1]]);
    assert.deepEqual(h.usd(1), { available: START - 1_500_000, reserved: 1_000_000 });
    expectSound(h);
  });

  test('decrease keeps priority, and decreasing to zero cancels', () => {
    const h = market();
    const [a] = twoMakers(h);
    h.must({ type: 'decreaseOrder', accountId: 1, orderId: a, byLots: 100 });
    assert.equal(h.engine.order(a)!.openQtyLots, 200);
    assert.equal(firstMaker(h), a);
    assert.equal(h.engine.order(a)!.openQtyLots, 100);
    const ev = h.must({ type: 'decreaseOrder', accountId: 1, orderId: a, byLots: 500 });
    assert.deepEqual(cancelled(ev), [[a, 'decreasedToZero', 100]]);
    assert.deepEqual(h.usd(1), { available: START - 500_000, reserved: 0 });
    expectReject(
      h,
      { type: 'decreaseOrder', accountId: 1, orderId: a, byLots: 100 },
      'UNKNOWN_ORDER',
    );
    expectSound(h);
  });

  test('decreasing after per-fill fee rounding never takes more money than the order holds', () => {
    const kalshi = {
      kind: 'kalshi',
      makerRatePpm: 70_000,
      takerRatePpm: 70_000,
      roundingUnit: 10_000,
    } as const;
    const h = new Harness()
      .setup([2, 3], START)
      .market(binarySpec(M, { lotSize: 1, fees: kalshi }));
    h.must({ type: 'createAccount', accountId: 1, userId: 1, subaccount: 0 });
    // Exactly enough for 300 lots (3 contracts) at 50¢ plus the 6¢ fee, then 6¢ for the closing
    // fee.
    h.must({ type: 'deposit', accountId: 1, assetId: USD, amount: 1_560_000 });
    h.ok(lim(1, 'buy', 5000, 300));
    h.ok(lim(2, 'sell', 5000, 300));
    h.must({ type: 'deposit', accountId: 1, assetId: USD, amount: 60_000 });
    const sell = h.ok(lim(1, 'sell', 5000, 300));
    assert.deepEqual(h.usd(1), { available: 0, reserved: 60_000 });
    // Six one-lot fills each pay a whole cent: the 6¢ fee reservation is gone after 2% of the
    // order.
    for (let i = 0; i < 6; i++) h.place(lim(3, 'buy', 5000, 1, { tif: 'ioc' }));
    assert.deepEqual(h.usd(1), { available: 30_000, reserved: 0 });
    h.must({ type: 'decreaseOrder', accountId: 1, orderId: sell, byLots: 94 });
    assert.deepEqual(h.usd(1), { available: 30_000, reserved: 0 });
    assert.equal(h.engine.order(sell)!.openQtyLots, 200);
    expectSound(h);
  });

  test('cancel by order id or client order id; cancel-all per market and per account', () => {
    const h = new Harness().setup([1, 2], START).market(binarySpec(M)).market(binarySpec(11));
    const a = h.ok(lim(1, 'buy', 4000, 100, { clientOrderId: 'x-1' }));
    const b = h.ok(lim(1, 'buy', 4100, 100));
    const c = h.ok({ ...lim(1, 'buy', 4200, 100), instrumentId: 11 });
    const d = h.ok({ ...lim(1, 'buy', 4300, 100), instrumentId: 11 });
    const other = h.ok(lim(2, 'buy', 4000, 100));
    expectReject(h, { type: 'cancelOrder', accountId: 2, orderId: a }, 'NOT_ORDER_OWNER');
    expectReject(h, { type: 'cancelOrder', accountId: 2, clientOrderId: 'x-1' }, 'UNKNOWN_ORDER');
    assert.deepEqual(
      cancelled(h.must({ type: 'cancelOrder', accountId: 1, clientOrderId: 'x-1' })),
      [[a, 'user', 100]],
    );
    assert.deepEqual(
      cancelled(h.must({ type: 'cancelAll', accountId: 1, instrumentId: 11 }))
        .map((x) => x[0])
        .sort(),
      [c, d].sort(),
    );
    h.ok({ ...lim(1, 'buy', 4300, 100), instrumentId: 11 });
    const all = cancelled(h.must({ type: 'cancelAll', accountId: 1 }));
    assert.equal(all.length, 2);
    assert.ok(all.some((x) => x[0] === b));
    assert.deepEqual(h.engine.openOrders(1), []);
    assert.deepEqual(h.usd(1), { available: START, reserved: 0 });
    assert.equal(h.engine.order(other)!.openQtyLots, 100);
    expectSound(h);
  });
});

describe('self-trade prevention', () => {
  test('cancelTaker: the taker trades with others ahead, then stops at its own order', () => {
    const h = market();
    const foreign = h.ok(lim(2, 'sell', 5000, 100));
    const own = h.ok(lim(1, 'sell', 5000, 100));
    h.ok(lim(3, 'sell', 5000, 100));
    const { orderId, events } = h.place(lim(1, 'buy', 5000, 300));
    assert.deepEqual(fills(events), [{ maker: foreign, taker: orderId, price: 5000, qty: 100 }]);
    assert.deepEqual(cancelled(events), [[orderId, 'selfTrade', 200]]);
    assert.equal(h.engine.order(own)!.openQtyLots, 100);
    expectSound(h);
  });

  test('cancelMaker: the own resting order is cancelled and the taker trades on', () => {
    const h = market();
    const own = h.ok(lim(1, 'sell', 5000, 100));
    const foreign = h.ok(lim(2, 'sell', 5000, 100));
    const { orderId, events } = h.place(lim(1, 'buy', 5000, 300, { stp: 'cancelMaker' }));
    assert.deepEqual(cancelled(events), [[own, 'selfTrade', 100]]);
    assert.deepEqual(fills(events), [{ maker: foreign, taker: orderId, price: 5000, qty: 100 }]);
    assert.deepEqual(h.engine.book(M), { instrumentId: M, bids: [[5000, 200, 1]], asks: [] });
    expectSound(h);
  });

  test('fill-or-kill counts liquidity behind its own order only with cancelMaker', () => {
    const h = market();
    const own = h.ok(lim(1, 'sell', 4000, 100));
    const other = h.ok(lim(2, 'sell', 5000, 100));
    expectRejectPlace(h, lim(1, 'buy', 5000, 100, { tif: 'fok' }), 'FOK_NOT_FILLABLE');
    const { orderId, events } = h.place(
      lim(1, 'buy', 5000, 100, { tif: 'fok', stp: 'cancelMaker' }),
    );
    assert.deepEqual(cancelled(events), [[own, 'selfTrade', 100]]);
    assert.deepEqual(fills(events), [{ maker: other, taker: orderId, price: 5000, qty: 100 }]);
    expectSound(h);
  });

  test('fill-or-kill with max cost prices the fill without its own cancelled orders', () => {
    const h = market();
    h.ok(lim(1, 'sell', 4000, 100));
    h.ok(lim(2, 'sell', 5000, 100));
    h.ok(lim(3, 'sell', 6000, 100));
    const m: PlaceBody = {
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'market',
      qtyLots: 200,
      tif: 'fok',
      stp: 'cancelMaker',
      maxCost: 1_000_000,
    };
    // Its own 40¢ offer is cancelled, so 200 lots cost 50¢ + 60¢ = $1.10, over the $1.00 cap.
    expectRejectPlace(h, m, 'FOK_NOT_FILLABLE');
    const { events } = h.place({ ...m, maxCost: 1_100_000 });
    assert.deepEqual(
      fills(events).map((f) => [f.price, f.qty]),
      [
        [5000, 100],
        [6000, 100],
      ],
    );
    expectSound(h);
  });

  test('cancelTaker on an amended order leaves the book intact', () => {
    const h = market();
    h.ok(lim(1, 'buy', 4000, 100));
    const second = h.ok(lim(1, 'buy', 4000, 100));
    h.ok(lim(1, 'sell', 5000, 100));
    // The second bid, re-priced into its own ask, is cancelled as a self-trade taker.
    const ev = h.must({ type: 'amendOrder', accountId: 1, orderId: second, priceTicks: 5000 });
    assert.deepEqual(cancelled(ev), [[second, 'selfTrade', 100]]);
    assert.deepEqual(h.engine.book(M)!.bids, [[4000, 100, 1]]);
    expectSound(h);
    h.ok(lim(3, 'sell', 4000, 100, { tif: 'ioc' }));
    assert.deepEqual(h.engine.book(M)!.bids, []);
    expectSound(h);
  });
});

describe('client order ids and priority', () => {
  test('a client order id is unique among open orders and reusable once the order is gone', () => {
    const h = market();
    const a = h.ok(lim(1, 'buy', 4000, 100, { clientOrderId: 'c1' }));
    expectRejectPlace(
      h,
      lim(1, 'buy', 4100, 100, { clientOrderId: 'c1' }),
      'DUPLICATE_CLIENT_ORDER_ID',
    );
    // Another account may use the same id.
    h.ok(lim(2, 'buy', 4100, 100, { clientOrderId: 'c1' }));
    h.place(lim(3, 'sell', 4000, 200, { tif: 'ioc' }));
    assert.equal(h.engine.order(a), undefined);
    const b = h.ok(lim(1, 'buy', 4000, 100, { clientOrderId: 'c1' }));
    h.must({ type: 'cancelOrder', accountId: 1, clientOrderId: 'c1' });
    assert.equal(h.engine.order(b), undefined);
    h.ok(lim(1, 'buy', 4000, 100, { clientOrderId: 'c1' }));
    expectRejectPlace(h, lim(1, 'buy', 4000, 100, { clientOrderId: '' }), 'INVALID_FIELD');
  });

  test('better prices fill first, and within a price the earlier order fills first', () => {
    const h = market();
    const late = h.ok(lim(1, 'sell', 5000, 100));
    const early = h.ok(lim(2, 'sell', 5100, 100));
    const better = h.ok(lim(3, 'sell', 4900, 100));
    const same = h.ok(lim(4, 'sell', 5000, 100));
    const { orderId, events } = h.place(lim(8, 'buy', 5100, 400));
    assert.deepEqual(
      fills(events).map((f) => [f.maker, f.price]),
      [
        [better, 4900],
        [late, 5000],
        [same, 5000],
        [early, 5100],
      ],
    );
    assert.ok(fills(events).every((f) => f.taker === orderId));
    // The taker paid each maker's price: 0.49 + 0.50 + 0.50 + 0.51.
    assert.deepEqual(h.usd(8), { available: START - 2_000_000, reserved: 0 });
    expectSound(h);
  });
});
