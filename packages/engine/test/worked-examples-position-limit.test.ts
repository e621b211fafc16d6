// Worked examples for the binary position limit, which counts resting orders: an order is refused
// when the position plus the account's resting orders on its side plus the order could end beyond
// the limit. Orders that reduce exposure, amends that do not grow an order and fills (which move lots
// from open to the position) are unaffected; cancels, decreases, expiry,
// cancel-all and market close give the room back; stops count once they trigger.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Engine } from '../src/index.ts';
import type { SnapshotData } from '../src/snapshot.ts';
import { expectReject, expectRejectPlace, expectSound } from './support/expect.ts';
import { binarySpec, Harness, T0 } from './support/harness.ts';
import { cancelled, lim, M, START } from './support/order-fixtures.ts';

const LIMIT = 100;

/** Market 10 with single-lot quantities and a position limit of 100 lots; accounts 1–4 funded. */
function limited(): Harness {
  const limits = {
    maxOrderQtyLots: 0,
    maxOrderNotional: 0,
    maxPositionLots: LIMIT,
    priceBandTicks: 0,
  };
  return new Harness().setup([1, 2, 3, 4], START).market(binarySpec(M, { lotSize: 1, limits }));
}

/** The lots account `accountId`'s resting orders have open in market 10, per side. */
function openLots(h: Harness, accountId: number): { buy: number; sell: number } {
  const a = h.engine.accountsById.get(accountId)!;
  const i = h.engine.instById.get(M)!.index;
  return { buy: a.openLots[2 * i] ?? 0, sell: a.openLots[2 * i + 1] ?? 0 };
}

describe('position limit counts resting orders', () => {
  test('a resting buy at the limit leaves no room for another until it is cancelled', () => {
    const h = limited();
    const first = h.ok(lim(1, 'buy', 4000, 100));
    assert.deepEqual(openLots(h, 1), { buy: 100, sell: 0 });
    expectRejectPlace(h, lim(1, 'buy', 3900, 1), 'POSITION_LIMIT');
    // Other accounts have their own room.
    h.ok(lim(2, 'buy', 3900, 100));
    h.must({ type: 'cancelOrder', accountId: 1, orderId: first });
    assert.deepEqual(openLots(h, 1), { buy: 0, sell: 0 });
    h.ok(lim(1, 'buy', 3900, 1));
    expectSound(h);
  });

  test('ten bids of the limit each no longer fill to ten times the limit', () => {
    const h = limited();
    h.ok(lim(1, 'buy', 4000, 100));
    for (let i = 1; i < 10; i++) expectRejectPlace(h, lim(1, 'buy', 4000, 100), 'POSITION_LIMIT');
    // Three sellers, each within its own limit, find only the one bid.
    for (const seller of [2, 3, 4]) h.place(lim(seller, 'sell', 4000, 100, { tif: 'ioc' }));
    assert.equal(h.lots(1, M), LIMIT);
    expectSound(h);
  });

  test('sells are held to the short side only, and reducing a position is always allowed', () => {
    const h = limited();
    // Account 1 buys to the limit.
    h.ok(lim(2, 'sell', 5000, 100));
    h.place(lim(1, 'buy', 5000, 100, { tif: 'ioc' }));
    assert.equal(h.lots(1, M), 100);
    expectRejectPlace(h, lim(1, 'buy', 4000, 1), 'POSITION_LIMIT');
    // Selling the 100 back reduces the exposure: accepted.
    h.ok(lim(1, 'sell', 6000, 100));
    // So is selling 100 more (worst case −100, at the limit), but not one lot beyond.
    h.ok(lim(1, 'sell', 6100, 100));
    assert.deepEqual(openLots(h, 1), { buy: 0, sell: 200 });
    expectRejectPlace(h, lim(1, 'sell', 6200, 1), 'POSITION_LIMIT');
    expectSound(h);
  });

  test('an amend that grows an order counts its new size in place of the old remainder', () => {
    const h = limited();
    const a = h.ok(lim(1, 'buy', 4000, 60));
    const b = h.ok(lim(1, 'buy', 3900, 40));
    expectReject(
      h,
      { type: 'amendOrder', accountId: 1, orderId: a, qtyLots: 61 },
      'POSITION_LIMIT',
    );
    // A new price for the same size does not grow the worst case.
    h.must({ type: 'amendOrder', accountId: 1, orderId: a, priceTicks: 4100 });
    assert.deepEqual(openLots(h, 1), { buy: 100, sell: 0 });
    h.must({ type: 'decreaseOrder', accountId: 1, orderId: b, byLots: 10 });
    h.must({ type: 'amendOrder', accountId: 1, orderId: a, qtyLots: 70 });
    assert.deepEqual(openLots(h, 1), { buy: 100, sell: 0 });
    expectReject(
      h,
      { type: 'amendOrder', accountId: 1, orderId: a, qtyLots: 71 },
      'POSITION_LIMIT',
    );
    expectSound(h);
  });

  test('fills move lots from open to the position, so the check stays the same', () => {
    const h = limited();
    h.ok(lim(1, 'buy', 5000, 100));
    h.place(lim(2, 'sell', 5000, 60, { tif: 'ioc' }));
    assert.equal(h.lots(1, M), 60);
    assert.deepEqual(openLots(h, 1), { buy: 40, sell: 0 });
    expectRejectPlace(h, lim(1, 'buy', 4000, 1), 'POSITION_LIMIT');
    h.place(lim(2, 'sell', 5000, 40, { tif: 'ioc' }));
    assert.equal(h.lots(1, M), 100);
    assert.deepEqual(openLots(h, 1), { buy: 0, sell: 0 });
    expectRejectPlace(h, lim(1, 'buy', 4000, 1), 'POSITION_LIMIT');
    // Selling the position into account 3's bid makes the room again.
    h.ok(lim(3, 'buy', 5000, 100));
    h.place(lim(1, 'sell', 5000, 100, { tif: 'ioc' }));
    assert.equal(h.lots(1, M), 0);
    h.ok(lim(1, 'buy', 4000, 100));
    expectSound(h);
  });

  test('a resting reduce-only order counts for the orders placed after it', () => {
    const h = limited();
    h.ok(lim(2, 'buy', 5000, 100));
    h.place(lim(1, 'sell', 5000, 100, { tif: 'ioc' }));
    assert.equal(h.lots(1, M), -100);
    h.ok(lim(1, 'buy', 3900, 100, { reduceOnly: true }));
    assert.deepEqual(openLots(h, 1), { buy: 100, sell: 0 });
    // Should it fill first (−100 → 0), the buys after it could still take the position to +100.
    expectRejectPlace(h, lim(1, 'buy', 4000, 101), 'POSITION_LIMIT');
    h.ok(lim(1, 'buy', 4000, 100));
    expectSound(h);
  });

  test('cancel-all, decrease, expiry and market close give the room back', () => {
    const h = limited();
    h.ok(lim(1, 'buy', 4000, 100, { tif: 'gtd', expiresAt: T0 + 1_000 }));
    expectRejectPlace(h, lim(1, 'buy', 3900, 1), 'POSITION_LIMIT');
    h.ts = T0 + 2_000;
    h.must({ type: 'tick' });
    assert.deepEqual(openLots(h, 1), { buy: 0, sell: 0 });
    const a = h.ok(lim(1, 'buy', 4000, 100));
    h.must({ type: 'decreaseOrder', accountId: 1, orderId: a, byLots: 30 });
    h.ok(lim(1, 'buy', 3900, 30));
    h.ok(lim(1, 'sell', 6000, 100));
    assert.deepEqual(openLots(h, 1), { buy: 100, sell: 100 });
    h.must({ type: 'cancelAll', accountId: 1, instrumentId: M });
    assert.deepEqual(openLots(h, 1), { buy: 0, sell: 0 });
    h.ok(lim(1, 'buy', 4000, 100));
    h.ok(lim(1, 'sell', 6000, 100));
    h.must({ type: 'setMarketStatus', instrumentId: M, status: 'closed' });
    assert.deepEqual(openLots(h, 1), { buy: 0, sell: 0 });
    expectSound(h);
  });
});

describe('position limit and stops', () => {
  const buyStop = (stopPriceTicks: number, qtyLots: number) =>
    ({
      accountId: 1,
      instrumentId: M,
      side: 'buy',
      orderType: 'stopLimit',
      stopPriceTicks,
      priceTicks: 5400,
      qtyLots,
      tif: 'gtc',
    }) as const;
  /** Account 3 lifts account 2's offer at 55¢: a trade there triggers stops at 55¢. */
  const tradeAt5500 = (h: Harness) => {
    h.ok(lim(2, 'sell', 5500, 100));
    return h.place(lim(3, 'buy', 5500, 100, { tif: 'ioc' })).events;
  };

  test('a parked stop is not counted; if it would breach when it triggers it is cancelled', () => {
    const h = limited();
    const stop = h.ok(buyStop(5500, 100));
    assert.equal(h.engine.order(stop)!.state, 'parked');
    assert.deepEqual(openLots(h, 1), { buy: 0, sell: 0 });
    // The parked stop holds back no room: a limit buy of the whole limit rests.
    h.ok(lim(1, 'buy', 4000, 100));
    const events = tradeAt5500(h);
    assert.deepEqual(cancelled(events), [[stop, 'positionLimit', 100]]);
    assert.equal(h.engine.order(stop), undefined);
    // Only the resting bid's 100 × 40¢ stays reserved.
    assert.deepEqual(h.usd(1), { available: START - 400_000, reserved: 400_000 });
    expectSound(h);
  });

  test('a stop that fits when it triggers rests and counts from then on', () => {
    const h = limited();
    const stop = h.ok(buyStop(5500, 50));
    h.ok(lim(1, 'buy', 4000, 50));
    tradeAt5500(h);
    assert.equal(h.engine.order(stop)!.state, 'resting');
    assert.deepEqual(openLots(h, 1), { buy: 100, sell: 0 });
    expectRejectPlace(h, lim(1, 'buy', 3900, 1), 'POSITION_LIMIT');
    expectSound(h);
  });
});

describe('open lots in snapshots', () => {
  /** Account 1 with a partly filled bid and an ask; account 2 short from the fill. */
  const withOrders = () => {
    const h = limited();
    h.ok(lim(1, 'buy', 5000, 80));
    h.place(lim(2, 'sell', 5000, 30, { tif: 'ioc' }));
    h.ok(lim(1, 'sell', 6000, 70));
    h.ok(lim(2, 'sell', 6100, 20));
    return h;
  };

  test('restore keeps them, and the limit holds on the restored engine', () => {
    const h = withOrders();
    const restored = Engine.restore(h.engine.snapshot());
    assert.equal(restored.stateHash(), h.engine.stateHash());
    const r = new Harness(10_000, restored);
    r.ts = h.ts;
    assert.deepEqual(openLots(r, 1), { buy: 50, sell: 70 });
    assert.deepEqual(openLots(r, 2), { buy: 0, sell: 20 });
    expectRejectPlace(r, lim(1, 'buy', 4000, 21), 'POSITION_LIMIT');
    r.ok(lim(1, 'buy', 4000, 20));
    expectSound(r);
  });

  test('a snapshot written before open lots were kept counts them from the book', () => {
    const h = withOrders();
    const data = JSON.parse(new TextDecoder().decode(h.engine.snapshotJson())) as SnapshotData;
    for (const a of data.accounts) delete a.open;
    const restored = Engine.restore(new TextEncoder().encode(JSON.stringify(data)));
    assert.equal(restored.stateHash(), h.engine.stateHash());
    const r = new Harness(10_000, restored);
    assert.deepEqual(openLots(r, 1), { buy: 50, sell: 70 });
    expectSound(r);
  });

  test('the state hash covers them', () => {
    const h = withOrders();
    const before = h.engine.stateHash();
    const a = h.engine.accountsById.get(1)!;
    a.openLots[2 * h.engine.instById.get(M)!.index]! += 1;
    // Changed behind the engine's back: marked as the engine marks it, so the kept digest reads it.
    h.engine.touchAccount(a.index);
    assert.notEqual(h.engine.stateHash(), before);
  });
});
