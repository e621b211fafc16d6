// Worked examples for `cancelOnPause` (Kalshi's `cancel_order_on_pause`): a market pause or an
// exchange halt cancels the orders placed with the flag, resting or parked, with reason `paused`, in
// order id order, releasing their reservations; every other order stays and trades again on resume.
// The flag is part of the order's view, its snapshot record and so of the state hash.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Command, Engine, type EngineEvent } from '../src/index.ts';
import { expectRejectPlace, expectSound } from './support/expect.ts';
import { binarySpec, fills, Harness, ofType, type PlaceBody } from './support/harness.ts';
import { cancelled, lim, M, market, START } from './support/order-fixtures.ts';

const pause = { type: 'setMarketStatus', instrumentId: M, status: 'paused' } as const;
const resume = { type: 'setMarketStatus', instrumentId: M, status: 'open' } as const;

function stop(
  accountId: number,
  stopPriceTicks: number,
  extra: Partial<PlaceBody> = {},
): PlaceBody {
  return {
    accountId,
    instrumentId: M,
    side: 'buy',
    orderType: 'stop',
    stopPriceTicks,
    qtyLots: 200,
    tif: 'ioc',
    ...extra,
  };
}

describe('cancelOnPause: a market pause', () => {
  test('cancels the flagged resting order and leaves the other, which trades after resume', () => {
    const h = market();
    // Account 1 bids 3 YES at 40¢ with the flag, account 2 bids 2 YES at 41¢ without it.
    const flagged = h.ok(lim(1, 'buy', 4000, 300, { cancelOnPause: true }));
    const plain = h.ok(lim(2, 'buy', 4100, 200));
    assert.equal(h.engine.order(flagged)!.cancelOnPause, true);
    assert.equal(h.engine.order(plain)!.cancelOnPause, false);
    assert.deepEqual(h.usd(1), { available: START - 1_200_000, reserved: 1_200_000 });

    const events = h.must(pause);
    assert.deepEqual(cancelled(events), [[flagged, 'paused', 300]]);
    // The cancel comes first, then the status change (as on close); the book and balance follow.
    assert.deepEqual(
      events.map((e) => e.type),
      ['orderCancelled', 'marketStatusChanged', 'bookLevel', 'balanceChanged'],
    );
    assert.deepEqual(ofType(events, 'bookLevel'), [
      {
        type: 'bookLevel',
        instrumentId: M,
        side: 'buy',
        priceTicks: 4000,
        qtyLots: 0,
        orderCount: 0,
      },
    ]);
    assert.equal(h.engine.order(flagged), undefined);
    assert.equal(h.engine.order(plain)!.openQtyLots, 200);
    assert.deepEqual(h.usd(1), { available: START, reserved: 0 });
    assert.deepEqual(h.usd(2), { available: START - 820_000, reserved: 820_000 });
    assert.deepEqual(h.engine.book(M)!.bids, [[4100, 200, 1]]);
    expectSound(h);

    // Paused: new orders are refused, flagged or not; resuming cancels nothing.
    expectRejectPlace(h, lim(1, 'buy', 4000, 100, { cancelOnPause: true }), 'MARKET_NOT_OPEN');
    assert.deepEqual(cancelled(h.must(resume)), []);
    const { events: traded } = h.place(lim(3, 'sell', 4100, 200));
    assert.deepEqual(fills(traded), [{ maker: plain, taker: h.seq, price: 4100, qty: 200 }]);
    expectSound(h);
  });

  test('cancels a flagged parked stop, keeps an unflagged one, and only in the paused market', () => {
    const h = market();
    h.must({ type: 'createInstrument', spec: binarySpec(11) });
    h.must({ type: 'setMarketStatus', instrumentId: 11, status: 'open' });
    const flaggedStop = h.ok(stop(1, 6000, { cancelOnPause: true }));
    const plainStop = h.ok(stop(2, 6000));
    const elsewhere = h.ok(lim(3, 'buy', 3000, 100, { instrumentId: 11, cancelOnPause: true }));
    assert.equal(h.engine.order(flaggedStop)!.state, 'parked');
    assert.equal(h.engine.order(flaggedStop)!.cancelOnPause, true);
    const reservedBefore = h.usd(1).reserved;
    assert.ok(reservedBefore > 0);

    assert.deepEqual(cancelled(h.must(pause)), [[flaggedStop, 'paused', 200]]);
    assert.deepEqual(h.usd(1), { available: START, reserved: 0 });
    assert.equal(h.engine.order(plainStop)!.state, 'parked');
    assert.equal(h.engine.order(elsewhere)!.openQtyLots, 100);
    expectSound(h);

    // After resume the unflagged stop still triggers on a trade at its price.
    h.must(resume);
    h.ok(lim(4, 'sell', 6000, 100));
    const { events } = h.place(lim(5, 'buy', 6000, 100));
    assert.ok(ofType(events, 'orderTriggered').some((e) => e.orderId === plainStop));
    expectSound(h);
  });

  test('cancels several flagged orders in order id order, across sides, levels and stops', () => {
    const h = market();
    const a = h.ok(lim(1, 'sell', 7000, 100, { cancelOnPause: true }));
    const b = h.ok(lim(2, 'buy', 3000, 100, { cancelOnPause: true }));
    const keep = h.ok(lim(3, 'buy', 3500, 100));
    const c = h.ok(stop(4, 8000, { cancelOnPause: true }));
    const d = h.ok(lim(1, 'buy', 3500, 100, { cancelOnPause: true }));
    const e = h.ok(lim(2, 'sell', 6500, 300, { cancelOnPause: true }));
    // Partly filled orders go with their remainder.
    h.place(lim(5, 'buy', 6500, 100));
    assert.deepEqual(cancelled(h.must(pause)), [
      [a, 'paused', 100],
      [b, 'paused', 100],
      [c, 'paused', 200],
      [d, 'paused', 100],
      [e, 'paused', 200],
    ]);
    assert.deepEqual(h.engine.book(M), { instrumentId: M, bids: [[3500, 100, 1]], asks: [] });
    assert.equal(h.engine.order(keep)!.openQtyLots, 100);
    for (const acct of [1, 4]) assert.deepEqual(h.usd(acct), { available: START, reserved: 0 });
    expectSound(h);
  });

  test('a GTD flagged order cancelled on pause does not expire again later', () => {
    const h = market();
    const gtd = h.ok(
      lim(1, 'buy', 4000, 100, { tif: 'gtd', expiresAt: h.ts + 10_000, cancelOnPause: true }),
    );
    assert.deepEqual(cancelled(h.must(pause)), [[gtd, 'paused', 100]]);
    h.must(resume);
    h.ts += 20_000;
    assert.deepEqual(cancelled(h.apply({ type: 'tick' })), []);
    expectSound(h);
  });

  test('a non-boolean flag is refused', () => {
    const h = market();
    expectRejectPlace(
      h,
      lim(1, 'buy', 4000, 100, { cancelOnPause: 'yes' as unknown as boolean }),
      'INVALID_FIELD',
    );
    expectRejectPlace(
      h,
      lim(1, 'buy', 4000, 100, { cancelOnPause: 1 as unknown as boolean }),
      'INVALID_FIELD',
    );
  });
});

describe('cancelOnPause: an exchange halt', () => {
  test('cancels flagged orders in every market, and only when the halt begins', () => {
    const h = market();
    h.must({ type: 'createInstrument', spec: binarySpec(11) });
    h.must({ type: 'setMarketStatus', instrumentId: 11, status: 'open' });
    const inB = h.ok(lim(1, 'buy', 3000, 100, { instrumentId: 11, cancelOnPause: true }));
    const inA = h.ok(lim(2, 'sell', 7000, 100, { cancelOnPause: true }));
    const parked = h.ok(stop(3, 8000, { cancelOnPause: true }));
    const plainA = h.ok(lim(1, 'buy', 3000, 100));
    const plainB = h.ok(lim(2, 'sell', 7000, 100, { instrumentId: 11 }));

    const events = h.must({ type: 'setHalt', halted: true });
    assert.deepEqual(cancelled(events), [
      [inB, 'paused', 100],
      [inA, 'paused', 100],
      [parked, 'paused', 200],
    ]);
    assert.equal(ofType(events, 'haltChanged').length, 1);
    // Each account keeps only the reservation of its unflagged order.
    assert.deepEqual(h.usd(1), { available: START - 300_000, reserved: 300_000 });
    assert.deepEqual(h.usd(2), { available: START - 300_000, reserved: 300_000 });
    assert.deepEqual(h.usd(3), { available: START, reserved: 0 });
    assert.equal(h.engine.order(plainA)!.openQtyLots, 100);
    assert.equal(h.engine.order(plainB)!.openQtyLots, 100);
    expectSound(h);

    // Halted: nothing can be placed; a repeated halt and the end of the halt cancel nothing.
    expectRejectPlace(h, lim(1, 'buy', 3000, 100, { cancelOnPause: true }), 'EXCHANGE_HALTED');
    assert.deepEqual(cancelled(h.must({ type: 'setHalt', halted: true })), []);
    assert.deepEqual(cancelled(h.must({ type: 'setHalt', halted: false })), []);
    assert.equal(h.engine.openOrders(1).length + h.engine.openOrders(2).length, 2);
    expectSound(h);
  });

  test('a market paused during a halt has nothing left to cancel', () => {
    const h = market();
    const flagged = h.ok(lim(1, 'buy', 3000, 100, { cancelOnPause: true }));
    assert.deepEqual(cancelled(h.must({ type: 'setHalt', halted: true })), [
      [flagged, 'paused', 100],
    ]);
    assert.deepEqual(cancelled(h.must(pause)), []);
    expectSound(h);
  });
});

describe('cancelOnPause: snapshot, state hash and replay', () => {
  test('the flag survives a snapshot and a restored engine cancels the same orders', () => {
    const h = market();
    const flagged = h.ok(lim(1, 'buy', 4000, 300, { cancelOnPause: true }));
    const flaggedStop = h.ok(stop(2, 6000, { cancelOnPause: true }));
    const plain = h.ok(lim(3, 'buy', 4100, 200));
    const restored = new Harness(10_000, Engine.restore(h.engine.snapshot()));
    restored.ts = h.ts;
    assert.equal(restored.engine.stateHash(), h.engine.stateHash());
    assert.equal(restored.engine.order(flagged)!.cancelOnPause, true);
    assert.equal(restored.engine.order(flaggedStop)!.cancelOnPause, true);
    assert.equal(restored.engine.order(plain)!.cancelOnPause, false);
    const live = h.must(pause);
    const again = restored.must(pause);
    assert.deepEqual(again, live);
    assert.deepEqual(cancelled(live), [
      [flagged, 'paused', 300],
      [flaggedStop, 'paused', 200],
    ]);
    assert.equal(restored.engine.stateHash(), h.engine.stateHash());
    expectSound(restored);
  });

  test('two states that differ only in the flag hash differently', () => {
    const build = (cancelOnPause: boolean) => {
      const h = market();
      h.ok(lim(1, 'buy', 4000, 300, { cancelOnPause }));
      return h.engine.stateHash();
    };
    assert.notEqual(build(true), build(false));
    assert.equal(build(true), build(true));
  });

  test('replaying the journal from scratch gives the same state and events', () => {
    const h = market();
    const journal: { command: Command; events: EngineEvent[] }[] = [];
    const apply = h.engine.apply.bind(h.engine);
    h.engine.apply = (command) => {
      const events = apply(command);
      journal.push({ command, events: [...events] });
      return events;
    };
    h.ok(lim(1, 'buy', 4000, 300, { cancelOnPause: true }));
    h.ok(stop(2, 6000, { cancelOnPause: true }));
    h.ok(lim(3, 'sell', 6000, 200));
    h.must(pause);
    h.must(resume);
    h.ok(lim(1, 'buy', 4100, 100, { cancelOnPause: true }));
    h.must({ type: 'setHalt', halted: true });
    assert.equal(
      journal
        .flatMap((j) => ofType(j.events, 'orderCancelled'))
        .filter((c) => c.reason === 'paused').length,
      3,
    );
    const fresh = market();
    for (const j of journal) assert.deepEqual([...fresh.engine.apply(j.command)], j.events);
    assert.equal(fresh.engine.stateHash(), h.engine.stateHash());
  });
});
