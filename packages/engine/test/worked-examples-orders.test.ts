// Worked examples for every order type on a binary market: GTC/GTD/IOC/FOK limits, market orders
// with price and cost protection, post-only, reduce-only (also after netting), and stops with a
// cascade.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectReject, expectRejectPlace, expectSound } from './support/expect.ts';
import { binarySpec, fills, Harness, ofType, type PlaceBody } from './support/harness.ts';
import { cancelled, lim, M, market, START } from './support/order-fixtures.ts';

describe('time in force', () => {
  test('GTC rests until cancelled; GTD expires at the first command at or after its expiry', () => {
    const h = market();
    const gtc = h.ok(lim(1, 'buy', 4000, 100));
    const gtd = h.ok(lim(1, 'buy', 4100, 200, { tif: 'gtd', expiresAt: h.ts + 10_000 }));
    assert.deepEqual(h.usd(1), { available: START - 400_000 - 820_000, reserved: 1_220_000 });
    h.ts += 9_999;
    assert.deepEqual(h.apply({ type: 'tick' }), []);
    assert.equal(h.engine.order(gtd)!.openQtyLots, 200);
    h.ts += 1;
    const ev = h.apply({ type: 'tick' });
    assert.deepEqual(cancelled(ev), [[gtd, 'expired', 200]]);
    assert.deepEqual(h.usd(1), { available: START - 400_000, reserved: 400_000 });
    assert.deepEqual(h.engine.book(M)!.bids, [[4000, 100, 1]]);
    assert.equal(h.engine.order(gtc)!.openQtyLots, 100);
    expectRejectPlace(
      h,
      lim(1, 'buy', 4100, 100, { tif: 'gtd', expiresAt: h.ts }),
      'EXPIRY_IN_PAST',
    );
    expectRejectPlace(h, lim(1, 'buy', 4100, 100, { tif: 'gtd' }), 'INVALID_FIELD');
    expectSound(h);
  });

  test('GTD expiry also happens on a command that is itself rejected, before it runs', () => {
    const h = market();
    const gtd = h.ok(lim(1, 'buy', 4100, 200, { tif: 'gtd', expiresAt: h.ts + 10 }));
    h.ts += 10;
    const ev = h.apply({ type: 'cancelOrder', accountId: 1, orderId: gtd });
    assert.deepEqual(cancelled(ev), [[gtd, 'expired', 200]]);
    assert.equal(ev.at(-1)!.type, 'balanceChanged');
    const rej = ev.find((e) => e.type === 'rejected');
    assert.ok(rej?.type === 'rejected' && rej.reason === 'UNKNOWN_ORDER');
  });

  test('a cancelled GTD order leaves nothing that expiry or the state hash sees', () => {
    const h = market();
    const gtd = h.ok(lim(1, 'buy', 4100, 200, { tif: 'gtd', expiresAt: h.ts + 10 }));
    h.must({ type: 'cancelOrder', accountId: 1, orderId: gtd });
    h.ts += 10;
    // Its expiry time passes during a rejected command: no event but the rejection, no change.
    expectReject(h, { type: 'cancelOrder', accountId: 1, orderId: gtd }, 'UNKNOWN_ORDER');
    expectSound(h);
  });

  test('cancelled far-dated GTD orders do not pile up in the expiry queue', () => {
    const h = market();
    const keep = h.ok(lim(1, 'buy', 4000, 100, { tif: 'gtd', expiresAt: h.ts + 50_000 }));
    const soon = h.ok(lim(1, 'buy', 4000, 100, { tif: 'gtd', expiresAt: h.ts + 20 }));
    for (let i = 0; i < 5_000; i++) {
      const id = h.ok(lim(1, 'buy', 3000, 100, { tif: 'gtd', expiresAt: h.ts + 1e9 + i }));
      h.must({ type: 'cancelOrder', accountId: 1, orderId: id });
    }
    // Two open orders: the queue is rebuilt whenever it passes max(1,024, 2 × open orders).
    assert.ok(h.engine.gtdTs.length <= 1_024, `queue holds ${h.engine.gtdTs.length} entries`);
    assert.equal(h.engine.gtdTs.length, h.engine.gtdId.length);
    // Expiry still takes the live orders, in time order.
    h.ts += 20;
    assert.deepEqual(cancelled(h.apply({ type: 'tick' })), [[soon, 'expired', 100]]);
    h.ts += 50_000;
    assert.deepEqual(cancelled(h.apply({ type: 'tick' })), [[keep, 'expired', 100]]);
    expectSound(h);
  });

  test('IOC fills what it can and cancels the rest', () => {
    const h = market();
    const ask = h.ok(lim(2, 'sell', 5000, 100));
    const { orderId, events } = h.place(lim(1, 'buy', 5000, 300, { tif: 'ioc' }));
    assert.deepEqual(fills(events), [{ maker: ask, taker: orderId, price: 5000, qty: 100 }]);
    assert.deepEqual(cancelled(events), [[orderId, 'ioc', 200]]);
    assert.deepEqual(h.usd(1), { available: START - 500_000, reserved: 0 });
    assert.deepEqual(h.engine.book(M), { instrumentId: M, bids: [], asks: [] });
  });

  test('FOK fills completely or is rejected without touching the book', () => {
    const h = market();
    h.ok(lim(2, 'sell', 5000, 100));
    h.ok(lim(3, 'sell', 5100, 100));
    expectRejectPlace(h, lim(1, 'buy', 5100, 300, { tif: 'fok' }), 'FOK_NOT_FILLABLE');
    expectRejectPlace(h, lim(1, 'buy', 5000, 200, { tif: 'fok' }), 'FOK_NOT_FILLABLE');
    const { events } = h.place(lim(1, 'buy', 5100, 200, { tif: 'fok' }));
    assert.deepEqual(
      fills(events).map((f) => [f.price, f.qty]),
      [
        [5000, 100],
        [5100, 100],
      ],
    );
    assert.deepEqual(h.usd(1), { available: START - 1_010_000, reserved: 0 });
    expectSound(h);
  });
});

describe('market orders', () => {
  const asks = (h: Harness) => {
    h.ok(lim(2, 'sell', 4000, 100));
    h.ok(lim(3, 'sell', 5000, 100));
    h.ok(lim(4, 'sell', 6000, 100));
  };

  test('worst-price protection stops at the given price and cancels the rest', () => {
    const h = market();
    asks(h);
    const m: PlaceBody = {
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'market',
      qtyLots: 300,
      tif: 'ioc',
      worstPriceTicks: 5000,
    };
    const { orderId, events } = h.place(m);
    assert.deepEqual(ofType(events, 'orderAccepted')[0]!.priceTicks, 5000);
    assert.deepEqual(
      fills(events).map((f) => [f.price, f.qty]),
      [
        [4000, 100],
        [5000, 100],
      ],
    );
    assert.deepEqual(cancelled(events), [[orderId, 'noLiquidity', 100]]);
    assert.deepEqual(h.usd(1), { available: START - 900_000, reserved: 0 });
    assert.deepEqual(h.engine.book(M)!.asks, [[6000, 100, 1]]);
  });

  test('max-cost protection stops before spending more than the cap', () => {
    const h = market();
    asks(h);
    const m: PlaceBody = {
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'market',
      qtyLots: 300,
      tif: 'ioc',
      maxCost: 650_000,
    };
    const { orderId, events } = h.place(m);
    // 100 lots at $0.40 cost $0.40; 50 more at $0.50 would fit but are not a whole contract.
    assert.deepEqual(
      fills(events).map((f) => [f.price, f.qty]),
      [[4000, 100]],
    );
    assert.deepEqual(cancelled(events), [[orderId, 'protection', 200]]);
    assert.deepEqual(h.usd(1), { available: START - 400_000, reserved: 0 });
    expectSound(h);
  });

  test('a sell buys NO, so its max cost is counted at the NO price', () => {
    const h = market();
    h.ok(lim(2, 'buy', 6000, 100));
    h.ok(lim(3, 'buy', 5000, 100));
    h.ok(lim(4, 'buy', 4000, 100));
    const { orderId, events } = h.place({
      accountId: 1,
      instrumentId: M,
      side: 'sell',
      orderType: 'market',
      qtyLots: 300,
      tif: 'ioc',
      maxCost: 1_000_000,
    });
    // NO at 40¢ and 50¢ cost $0.90; NO at 60¢ would pass $1.00.
    assert.deepEqual(
      fills(events).map((f) => [f.price, f.qty]),
      [
        [6000, 100],
        [5000, 100],
      ],
    );
    assert.deepEqual(cancelled(events), [[orderId, 'protection', 100]]);
    assert.deepEqual(h.usd(1), { available: START - 900_000, reserved: 0 });
    assert.deepEqual(h.engine.book(M)!.bids, [[4000, 100, 1]]);
    expectSound(h);
  });

  test('a max cost goes only on orders that never rest, and only buys what it costs', () => {
    const h = market();
    asks(h);
    const buy: PlaceBody = { ...lim(1, 'buy', 5000, 100), maxCost: 1_000_000 };
    expectRejectPlace(h, buy, 'INVALID_FIELD');
    expectRejectPlace(h, { ...buy, tif: 'gtd', expiresAt: h.ts + 1_000 }, 'INVALID_FIELD');
    expectRejectPlace(
      h,
      { ...buy, orderType: 'stopLimit', stopPriceTicks: 5000, tif: 'ioc' },
      'INVALID_FIELD',
    );
    expectRejectPlace(h, { ...buy, orderType: 'stop', stopPriceTicks: 5000 }, 'INVALID_FIELD');
    expectRejectPlace(h, { ...buy, tif: 'ioc', maxCost: 0 }, 'INVALID_FIELD');
    // An IOC limit buy: its own price and the cap both hold.
    const { orderId, events } = h.place({ ...buy, qtyLots: 300, tif: 'ioc', maxCost: 600_000 });
    assert.deepEqual(
      fills(events).map((f) => [f.price, f.qty]),
      [[4000, 100]],
    );
    assert.deepEqual(cancelled(events), [[orderId, 'protection', 200]]);
    expectSound(h);
  });

  test('a fill-or-kill limit order with max cost (Kalshi’s buy_max_cost) buys all or nothing', () => {
    const h = market();
    h.ok(lim(2, 'buy', 6000, 100));
    h.ok(lim(3, 'buy', 5000, 100));
    const sell: PlaceBody = { ...lim(1, 'sell', 5000, 200), tif: 'fok', maxCost: 899_999 };
    // NO at 40¢ and at 50¢: $0.90 for both contracts, a micro over the cap.
    expectRejectPlace(h, sell, 'FOK_NOT_FILLABLE');
    const { events } = h.place({ ...sell, maxCost: 900_000 });
    assert.deepEqual(
      fills(events).map((f) => [f.price, f.qty]),
      [
        [6000, 100],
        [5000, 100],
      ],
    );
    assert.deepEqual(h.usd(1), { available: START - 900_000, reserved: 0 });
    expectSound(h);
  });

  test('a fill-or-kill market buy with max cost fills completely or is rejected', () => {
    const h = market();
    asks(h);
    const m: PlaceBody = {
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'market',
      qtyLots: 200,
      tif: 'fok',
      maxCost: 899_999,
    };
    expectRejectPlace(h, m, 'FOK_NOT_FILLABLE');
    const { events } = h.place({ ...m, maxCost: 900_000 });
    assert.deepEqual(
      fills(events).map((f) => [f.price, f.qty]),
      [
        [4000, 100],
        [5000, 100],
      ],
    );
    assert.deepEqual(h.usd(1), { available: START - 900_000, reserved: 0 });
    expectSound(h);
  });

  test('a market order on an empty side is accepted and cancelled for lack of liquidity', () => {
    const h = market();
    const { orderId, events } = h.place({
      accountId: 1,
      instrumentId: M,
      side: 'sell',
      orderType: 'market',
      qtyLots: 100,
      tif: 'ioc',
    });
    assert.deepEqual(cancelled(events), [[orderId, 'noLiquidity', 100]]);
    assert.deepEqual(h.usd(1), { available: START, reserved: 0 });
    expectRejectPlace(
      h,
      {
        accountId: 1,
        instrumentId: M,
        side: 'sell',
        orderType: 'market',
        qtyLots: 100,
        tif: 'gtd',
        expiresAt: h.ts + 5,
      },
      'INVALID_ORDER_TYPE',
    );
  });
});

describe('post-only and reduce-only', () => {
  test('post-only rests when it does not cross and is rejected when it would', () => {
    const h = market();
    h.ok(lim(2, 'sell', 5000, 100));
    const id = h.ok(lim(1, 'buy', 4900, 100, { postOnly: true }));
    assert.deepEqual(h.engine.book(M)!.bids, [[4900, 100, 1]]);
    expectRejectPlace(h, lim(1, 'buy', 5000, 100, { postOnly: true }), 'POST_ONLY_WOULD_CROSS');
    expectReject(
      h,
      { type: 'amendOrder', accountId: 1, orderId: id, priceTicks: 5000 },
      'POST_ONLY_WOULD_CROSS',
    );
    expectRejectPlace(
      h,
      lim(1, 'buy', 4000, 100, { postOnly: true, tif: 'ioc' }),
      'INVALID_ORDER_TYPE',
    );
  });

  test('reduce-only is clipped to the closable position, rejected without one', () => {
    const h = market();
    h.ok(lim(1, 'buy', 5000, 300));
    h.ok(lim(2, 'sell', 5000, 300));
    expectRejectPlace(
      h,
      lim(1, 'buy', 4000, 100, { reduceOnly: true }),
      'REDUCE_ONLY_WOULD_INCREASE',
    );
    const { orderId, events } = h.place(lim(1, 'sell', 6000, 500, { reduceOnly: true }));
    assert.equal(ofType(events, 'orderAccepted')[0]!.qtyLots, 300);
    assert.deepEqual(h.engine.order(orderId)!.reservedPosLots, 300);
    // All 300 YES are now spoken for.
    expectRejectPlace(
      h,
      lim(1, 'sell', 6100, 100, { reduceOnly: true }),
      'REDUCE_ONLY_WOULD_INCREASE',
    );
    // Account 2's NO can be reduced by buying YES.
    const r2 = h.ok(lim(2, 'buy', 4000, 1000, { reduceOnly: true }));
    assert.equal(h.engine.order(r2)!.openQtyLots, 300);
    assert.equal(h.usd(2).reserved, 0);
    expectSound(h);
  });
});

describe('reduce-only after netting', () => {
  /** Account 1 holds 300 YES and offers them reduce-only at 60¢; returns that order's id. */
  const setup = (h: Harness) => {
    h.ok(lim(1, 'buy', 5000, 300));
    h.ok(lim(2, 'sell', 5000, 300));
    return h.ok(lim(1, 'sell', 6000, 300, { reduceOnly: true }));
  };

  test('a reduce-only order whose position was sold elsewhere is cancelled, not filled', () => {
    const h = market();
    const reduce = setup(h);
    h.ok(lim(3, 'buy', 5000, 300));
    h.place(lim(1, 'sell', 5000, 300, { tif: 'ioc' })); // sells the same 300 YES
    assert.equal(h.lots(1, M), 0);
    const { events } = h.place(lim(3, 'buy', 6000, 300, { tif: 'ioc' }));
    assert.deepEqual(fills(events), []);
    assert.deepEqual(cancelled(events)[0], [reduce, 'reduceOnly', 300]);
    assert.equal(h.lots(1, M), 0);
    assert.deepEqual(h.usd(1).reserved, 0);
    expectSound(h);
  });

  test('a partly netted reduce-only order fills what is left, then is cancelled', () => {
    const h = market();
    const reduce = setup(h);
    h.ok(lim(3, 'buy', 5000, 100));
    h.place(lim(1, 'sell', 5000, 100, { tif: 'ioc' }));
    assert.equal(h.lots(1, M), 200);
    const { orderId, events } = h.place(lim(3, 'buy', 6000, 300, { tif: 'ioc' }));
    assert.deepEqual(fills(events), [{ maker: reduce, taker: orderId, price: 6000, qty: 200 }]);
    assert.deepEqual(cancelled(events), [
      [reduce, 'reduceOnly', 100],
      [orderId, 'ioc', 100],
    ]);
    assert.equal(h.lots(1, M), 0);
    expectSound(h);
  });

  test('fill-or-kill counts only what a netted reduce-only maker can still trade', () => {
    const h = market();
    setup(h);
    h.ok(lim(3, 'buy', 5000, 100));
    h.place(lim(1, 'sell', 5000, 100, { tif: 'ioc' }));
    // 300 lots are offered at 60¢ but only 200 can still trade.
    expectRejectPlace(h, lim(3, 'buy', 6000, 300, { tif: 'fok' }), 'FOK_NOT_FILLABLE');
    const { events } = h.place(lim(3, 'buy', 6000, 200, { tif: 'fok' }));
    assert.deepEqual(
      fills(events).map((f) => f.qty),
      [200],
    );
    expectSound(h);
  });

  test('a reduce-only stop triggered after its position was netted away trades nothing', () => {
    const h = market();
    h.ok(lim(1, 'buy', 5000, 300));
    h.ok(lim(2, 'sell', 5000, 300));
    const stop = h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'sell',
      orderType: 'stop',
      stopPriceTicks: 4000,
      qtyLots: 300,
      tif: 'gtc',
      reduceOnly: true,
    });
    h.ok(lim(3, 'buy', 4500, 300));
    h.place(lim(1, 'sell', 4500, 300, { tif: 'ioc' }));
    assert.equal(h.lots(1, M), 0);
    h.ok(lim(4, 'buy', 3000, 500)); // liquidity the stop could sell into
    h.ok(lim(5, 'sell', 4000, 100));
    const { events } = h.place(lim(6, 'buy', 4000, 100)); // trades at 40¢: the stop triggers
    assert.deepEqual(
      events
        .filter((e) => e.type === 'orderTriggered')
        .map((e) => e.type === 'orderTriggered' && e.orderId),
      [stop],
    );
    assert.deepEqual(cancelled(events), [[stop, 'reduceOnly', 300]]);
    assert.deepEqual(fills(events).length, 1);
    assert.equal(h.engine.order(stop), undefined);
    assert.equal(h.lots(1, M), 0);
    expectSound(h);
  });
});

describe('stops', () => {
  test('stop and stop-limit sells trigger on the last trade, one after the other (cascade)', () => {
    const h = market();
    for (const [a, p] of [
      [1, 5000],
      [2, 4900],
      [3, 4800],
      [4, 4700],
    ] as const)
      h.ok(lim(a, 'buy', p, 100));
    h.place(lim(8, 'sell', 5000, 100, { tif: 'ioc' }));
    assert.equal(h.engine.instrument(M)!.lastPriceTicks, 5000);
    const stop = h.ok({
      accountId: 6,
      instrumentId: M,
      side: 'sell',
      orderType: 'stop',
      stopPriceTicks: 4900,
      qtyLots: 100,
      tif: 'gtc',
    });
    const stopLimit = h.ok({
      accountId: 7,
      instrumentId: M,
      side: 'sell',
      orderType: 'stopLimit',
      stopPriceTicks: 4800,
      priceTicks: 4700,
      qtyLots: 200,
      tif: 'gtc',
    });
    assert.equal(h.engine.order(stop)!.state, 'parked');
    assert.equal(h.engine.order(stopLimit)!.state, 'parked');
    const { orderId, events } = h.place(lim(8, 'sell', 4900, 100, { tif: 'ioc' }));
    const story = events.flatMap((e) =>
      e.type === 'fill'
        ? [`fill ${e.takerOrderId}@${e.priceTicks}x${e.qtyLots}`]
        : e.type === 'orderTriggered'
          ? [`trigger ${e.orderId}@${e.lastPriceTicks}`]
          : e.type === 'orderRested'
            ? [`rest ${e.orderId}@${e.priceTicks}x${e.openQtyLots}`]
            : [],
    );
    assert.deepEqual(story, [
      `fill ${orderId}@4900x100`,
      `trigger ${stop}@4900`,
      `fill ${stop}@4800x100`,
      `trigger ${stopLimit}@4800`,
      `fill ${stopLimit}@4700x100`,
      `rest ${stopLimit}@4700x100`,
    ]);
    assert.deepEqual(h.engine.book(M)!.asks, [[4700, 100, 1]]);
    assert.equal(h.engine.order(stopLimit)!.state, 'resting');
    expectSound(h);
  });

  test('a stop-limit whose limit is outside the price band when it triggers is cancelled', () => {
    const limits = {
      maxOrderQtyLots: 0,
      maxOrderNotional: 0,
      maxPositionLots: 0,
      priceBandTicks: 500,
    };
    const h = new Harness().setup([1, 2, 7, 8], START).market(binarySpec(M, { limits }));
    h.ok(lim(1, 'buy', 5000, 100));
    h.place(lim(8, 'sell', 5000, 100, { tif: 'ioc' }));
    h.ok(lim(2, 'buy', 4900, 100));
    const stopLimit = (priceTicks: number) =>
      h.ok({
        accountId: 7,
        instrumentId: M,
        side: 'sell',
        orderType: 'stopLimit',
        stopPriceTicks: 4900,
        priceTicks,
        qtyLots: 100,
        tif: 'gtc',
      });
    // Both accepted: at entry the band is not theirs to meet yet (4300 is 700 ticks from 5000).
    const far = stopLimit(4300);
    const near = stopLimit(4500);
    const { events } = h.place(lim(8, 'sell', 4900, 100, { tif: 'ioc' }));
    // Triggered at 4900: 4300 is 600 ticks away (band 500), 4500 is 400.
    assert.deepEqual(cancelled(events), [[far, 'protection', 100]]);
    assert.equal(h.engine.order(near)!.state, 'resting');
    assert.deepEqual(h.engine.book(M)!.asks, [[4500, 100, 1]]);
    expectSound(h);
  });

  test('a buy stop waits for a trade at or above its price, then refunds if unfilled', () => {
    const h = market();
    h.ok(lim(2, 'sell', 6000, 100));
    const stop = h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'stop',
      stopPriceTicks: 5500,
      qtyLots: 100,
      tif: 'gtc',
    });
    // A stop market buy reserves at the top of the range.
    assert.deepEqual(h.usd(1), { available: START - 990_000, reserved: 990_000 });
    h.ok(lim(3, 'buy', 5000, 100));
    h.place(lim(4, 'sell', 5000, 100, { tif: 'ioc' }));
    assert.equal(h.engine.order(stop)!.state, 'parked');
    // Account 4 takes the 60¢ offer: the stop triggers and finds no ask left.
    h.place(lim(4, 'buy', 6000, 100, { tif: 'ioc' }));
    assert.equal(h.engine.order(stop), undefined);
    assert.deepEqual(h.usd(1), { available: START, reserved: 0 });
    expectSound(h);
  });
});

describe('stops: more cases', () => {
  test('a stop whose price has already traded runs at once instead of parking', () => {
    const h = market();
    h.ok(lim(1, 'buy', 5000, 100));
    h.place(lim(2, 'sell', 5000, 100, { tif: 'ioc' }));
    h.ok(lim(3, 'sell', 5200, 100));
    const { orderId, events } = h.place({
      accountId: 4,
      instrumentId: M,
      side: 'buy',
      orderType: 'stop',
      stopPriceTicks: 4900,
      qtyLots: 100,
      tif: 'gtc',
    });
    assert.deepEqual(ofType(events, 'orderParked'), []);
    assert.deepEqual(
      fills(events).map((f) => [f.taker, f.price]),
      [[orderId, 5200]],
    );
    expectSound(h);
  });

  test('a triggered post-only stop-limit that would cross is cancelled for protection', () => {
    const h = market();
    h.ok(lim(1, 'buy', 5000, 100));
    h.ok(lim(2, 'sell', 5100, 100));
    const stop = h.ok({
      accountId: 3,
      instrumentId: M,
      side: 'buy',
      orderType: 'stopLimit',
      stopPriceTicks: 5000,
      priceTicks: 5100,
      qtyLots: 100,
      tif: 'gtc',
      postOnly: true,
    });
    const { events } = h.place(lim(4, 'sell', 5000, 100, { tif: 'ioc' }));
    assert.deepEqual(cancelled(events), [[stop, 'protection', 100]]);
    assert.deepEqual(h.usd(3), { available: START, reserved: 0 });
    expectSound(h);
  });

  test('a parked stop can be decreased but not amended, and expires like any GTD order', () => {
    const h = market();
    const stop = h.ok({
      accountId: 1,
      instrumentId: M,
      side: 'sell',
      orderType: 'stopLimit',
      stopPriceTicks: 4000,
      priceTicks: 3900,
      qtyLots: 300,
      tif: 'gtd',
      expiresAt: h.ts + 100,
    });
    // A sell opening NO at 39¢ reserves 61¢ a lot.
    assert.deepEqual(h.usd(1), { available: START - 1_830_000, reserved: 1_830_000 });
    expectReject(
      h,
      { type: 'amendOrder', accountId: 1, orderId: stop, priceTicks: 3800 },
      'INVALID_STATE',
    );
    h.must({ type: 'decreaseOrder', accountId: 1, orderId: stop, byLots: 100 });
    assert.deepEqual(h.usd(1), { available: START - 1_220_000, reserved: 1_220_000 });
    assert.equal(h.engine.order(stop)!.state, 'parked');
    h.ts += 100;
    assert.deepEqual(cancelled(h.apply({ type: 'tick' })), [[stop, 'expired', 200]]);
    assert.deepEqual(h.usd(1), { available: START, reserved: 0 });
    expectSound(h);
  });

  test('a stop-limit with IOC triggers, trades what it can and cancels the rest', () => {
    const h = market();
    h.ok(lim(1, 'buy', 5000, 100));
    h.ok(lim(2, 'sell', 5000, 100));
    const stop = h.ok({
      accountId: 3,
      instrumentId: M,
      side: 'buy',
      orderType: 'stopLimit',
      stopPriceTicks: 5000,
      priceTicks: 5100,
      qtyLots: 300,
      tif: 'ioc',
    });
    assert.equal(h.engine.order(stop), undefined, 'the last trade was already at 50¢');
    h.ok(lim(2, 'sell', 5100, 100));
    const s2 = h.ok({
      accountId: 3,
      instrumentId: M,
      side: 'buy',
      orderType: 'stopLimit',
      stopPriceTicks: 5100,
      priceTicks: 5100,
      qtyLots: 300,
      tif: 'ioc',
    });
    assert.equal(h.engine.order(s2)!.state, 'parked');
    h.ok(lim(4, 'buy', 5100, 100));
    // Account 4 took the 51¢ offer: the stop triggers with nothing left at its limit.
    assert.equal(h.engine.order(s2), undefined);
    assert.deepEqual(h.usd(3).reserved, 0);
    expectSound(h);
  });
});
