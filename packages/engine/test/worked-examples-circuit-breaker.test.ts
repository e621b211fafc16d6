// Circuit breakers, worked through on a binary market (prices in 1/10,000 $ on a cent grid): a sweep
// that would move the price more than the breaker allows stops before that trade, the market pauses
// (orders placed with `cancelOnPause` go), refuses orders, and reopens by itself at the first command
// whose time reaches the end of the pause, with a new band reference; limit-up/limit-down refusals;
// an operator holding a tripped market; and replay from the journal or a snapshot reaching the same
// state hash.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CircuitBreakerConfig, type Command, Engine, type EngineEvent } from '../src/index.ts';
import { expectReject, expectRejectPlace, expectSound } from './support/expect.ts';
import { type Body, binarySpec, Harness, ofType } from './support/harness.ts';
import { cancelled, lim, M, market, START } from './support/order-fixtures.ts';

const BREAKER: CircuitBreakerConfig = {
  moveTicks: 500,
  moveBps: 0,
  windowMs: 10_000,
  pauseMs: 30_000,
  bandTicks: 0,
};

/** A harness that records every command it applies, so a test can replay them. */
class Recorder extends Harness {
  readonly journal: Command[] = [];
  override apply(body: Body): EngineEvent[] {
    const events = super.apply(body);
    this.journal.push({ ...body, seq: this.seq, ts: this.ts } as Command);
    return events;
  }
}

function recorded(): Recorder {
  return new Recorder().setup([1, 2, 3, 4], START).market(binarySpec(M));
}

const breaker = (config: CircuitBreakerConfig | null, referencePriceTicks?: number): Body => ({
  type: 'setCircuitBreaker',
  instrumentId: M,
  breaker: config,
  ...(referencePriceTicks === undefined ? {} : { referencePriceTicks }),
});

const statuses = (events: readonly EngineEvent[]) =>
  ofType(events, 'marketStatusChanged').map((e) => e.status);

const trips = (events: readonly EngineEvent[]) =>
  ofType(events, 'circuitBreakerChanged').flatMap((e) => (e.trip === undefined ? [] : [e.trip]));

function replayHash(journal: readonly Command[]): string {
  const e = new Engine({ feeAccountId: 0, maxOpenOrdersPerAccount: 10_000 });
  for (const c of journal) e.apply(c);
  return e.stateHash();
}

describe('a move too far too fast', () => {
  test('trips: the sweep stops before the trade, the market pauses, then reopens on time', () => {
    const h = recorded();
    h.must(breaker(BREAKER));
    const asks = [h.ok(lim(1, 'sell', 5000, 200)), h.ok(lim(1, 'sell', 5300, 100))];
    const far = h.ok(lim(1, 'sell', 5600, 100));
    const fragile = h.ok(lim(2, 'buy', 4000, 100, { cancelOnPause: true }));
    const sturdy = h.ok(lim(2, 'buy', 3900, 100));
    h.ok(lim(3, 'buy', 5000, 100)); // the first trade, at 50¢, starts the move window

    h.ts += 1_000;
    const { orderId: sweep, events } = h.place(lim(3, 'buy', 6000, 300));
    // 50¢ and 53¢ trade (3¢ from the window's low); 56¢ would be 6¢ above it: the breaker stops it.
    assert.deepEqual(
      ofType(events, 'fill').map((f) => [f.makerOrderId, f.priceTicks, f.qtyLots]),
      [
        [asks[0], 5000, 100],
        [asks[1], 5300, 100],
      ],
    );
    assert.deepEqual(trips(events), [{ rule: 'move', priceTicks: 5600, fromPriceTicks: 5000 }]);
    assert.deepEqual(statuses(events), ['paused']);
    const reopensAt = h.ts + BREAKER.pauseMs;
    assert.equal(ofType(events, 'circuitBreakerChanged')[0]!.reopensAt, reopensAt);
    // The sweep's rest is cancelled, then the orders that asked to go on a pause.
    assert.deepEqual(cancelled(events), [
      [sweep, 'circuitBreaker', 100],
      [fragile, 'paused', 100],
    ]);
    assert.deepEqual(
      h.engine.openOrders(1).map((o) => o.orderId),
      [far],
    );
    assert.equal(h.engine.instrument(M)!.reopensAt, reopensAt);
    assert.equal(h.engine.nextDueTs(), reopensAt);
    expectSound(h);

    // Paused: orders are refused; a tick before the time changes nothing.
    expectRejectPlace(h, lim(4, 'buy', 5000, 100), 'MARKET_NOT_OPEN');
    h.ts = reopensAt - 1;
    assert.deepEqual(h.apply({ type: 'tick' }), []);
    h.ts = reopensAt;
    const reopened = h.apply({ type: 'tick' });
    assert.deepEqual(statuses(reopened), ['open']);
    // The band's reference is the book's mid after the pause: (39¢ + 56¢) / 2.
    assert.deepEqual(
      ofType(reopened, 'circuitBreakerChanged').map((e) => [e.reopensAt, e.referencePriceTicks]),
      [[null, 4750]],
    );
    assert.equal(h.engine.nextDueTs(), undefined);
    assert.ok(h.engine.openOrders(2).some((o) => o.orderId === sturdy));

    // The window starts empty after a reopening: 56¢ trades now.
    const after = h.place(lim(4, 'buy', 5600, 100)).events;
    assert.deepEqual(
      ofType(after, 'fill').map((f) => f.priceTicks),
      [5600],
    );
    expectSound(h);
    assert.equal(replayHash(h.journal), h.engine.stateHash());
  });

  test('a move spread over more than the window does not trip', () => {
    const h = market();
    h.must(breaker(BREAKER));
    h.ok(lim(1, 'sell', 5000, 100));
    h.ok(lim(1, 'sell', 5600, 100));
    h.ok(lim(2, 'buy', 5000, 100));
    h.ts += BREAKER.windowMs; // the trade at 50¢ has just left the window
    const { events } = h.place(lim(2, 'buy', 5600, 100));
    assert.deepEqual(
      ofType(events, 'fill').map((f) => f.priceTicks),
      [5600],
    );
    assert.deepEqual(trips(events), []);
    expectSound(h);
  });

  test('in basis points: more than 10% from the window trips, 10% does not', () => {
    const h = market();
    h.must(breaker({ ...BREAKER, moveTicks: 0, moveBps: 1_000 }));
    h.ok(lim(1, 'sell', 5000, 100));
    h.ok(lim(1, 'sell', 5500, 100));
    h.ok(lim(1, 'sell', 5600, 100));
    h.ok(lim(2, 'buy', 5000, 100));
    const { events } = h.place(lim(2, 'buy', 5600, 200, { tif: 'ioc' }));
    assert.deepEqual(
      ofType(events, 'fill').map((f) => f.priceTicks),
      [5500],
    );
    assert.deepEqual(trips(events), [{ rule: 'move', priceTicks: 5600, fromPriceTicks: 5000 }]);
    expectSound(h);
  });

  test('a fill-or-kill that could only fill by tripping is refused and changes nothing', () => {
    const h = market();
    h.must(breaker(BREAKER));
    h.ok(lim(1, 'sell', 5000, 200));
    h.ok(lim(1, 'sell', 5600, 100));
    h.ok(lim(2, 'buy', 5000, 100));
    expectRejectPlace(h, lim(2, 'buy', 5600, 200, { tif: 'fok' }), 'FOK_NOT_FILLABLE');
    assert.equal(h.engine.instrument(M)!.status, 'open');
    expectSound(h);
  });

  test('a replay from a snapshot taken during the pause reopens at the same command', () => {
    const h = recorded();
    h.must(breaker(BREAKER));
    h.ok(lim(1, 'sell', 5000, 100));
    h.ok(lim(1, 'sell', 5600, 100));
    h.ok(lim(2, 'buy', 5000, 100));
    h.place(lim(2, 'buy', 5600, 100));
    assert.equal(h.engine.instrument(M)!.status, 'paused');
    const restored = new Harness(10_000, Engine.restore(h.engine.snapshot()));
    assert.equal(restored.engine.stateHash(), h.engine.stateHash());
    assert.equal(restored.engine.nextDueTs(), h.engine.nextDueTs());
    const due = h.engine.nextDueTs()!;
    for (const target of [h, restored]) {
      target.ts = due;
      target.apply({ type: 'tick' });
      target.ts += 1;
      target.place(lim(3, 'buy', 5600, 100));
    }
    assert.equal(restored.engine.stateHash(), h.engine.stateHash());
    assert.equal(h.engine.instrument(M)!.status, 'open');
    assert.equal(replayHash(h.journal), h.engine.stateHash());
  });
});

test('stops wait while the breaker pauses the market, and trigger after it reopens', () => {
  const h = market();
  h.must(breaker(BREAKER));
  h.ok(lim(1, 'sell', 5000, 100));
  h.ok(lim(1, 'sell', 5300, 100));
  h.ok(lim(1, 'sell', 5900, 100));
  h.ok(lim(2, 'buy', 5000, 100));
  // Triggers once the last price reaches 53¢.
  const stop = h.ok({ ...lim(3, 'buy', 6000, 100), orderType: 'stopLimit', stopPriceTicks: 5300 });
  const { events } = h.place(lim(2, 'buy', 5900, 200));
  assert.deepEqual(
    ofType(events, 'fill').map((f) => f.priceTicks),
    [5300],
  );
  assert.deepEqual(statuses(events), ['paused']);
  assert.deepEqual(ofType(events, 'orderTriggered'), [], 'no stop triggers behind the pause');
  h.ts = h.engine.nextDueTs()!;
  h.apply({ type: 'tick' });
  // Its price was reached before the pause: the first order after the reopening triggers it, and
  // it buys that order's 54¢, the first trade of the fresh move window.
  const next = h.place(lim(1, 'sell', 5400, 100)).events;
  assert.deepEqual(
    ofType(next, 'orderTriggered').map((e) => e.orderId),
    [stop],
  );
  assert.deepEqual(
    ofType(next, 'fill').map((f) => [f.takerOrderId, f.priceTicks]),
    [[stop, 5400]],
  );
  expectSound(h);
});

describe('limit up, limit down', () => {
  test('limit prices outside the band around the reference are refused; a sweep past it trips', () => {
    const h = recorded();
    h.ok(lim(1, 'sell', 5900, 100));
    const beyond = h.ok(lim(1, 'sell', 6200, 100));
    h.must(breaker({ ...BREAKER, moveTicks: 0, bandTicks: 1_000 }, 5_000));
    assert.deepEqual(h.engine.instrument(M)!.circuitBreaker, {
      config: { ...BREAKER, moveTicks: 0, bandTicks: 1_000 },
      referencePriceTicks: 5_000,
    });
    expectRejectPlace(h, lim(2, 'buy', 6100, 100), 'PRICE_OUT_OF_BAND');
    expectRejectPlace(h, lim(2, 'sell', 3900, 100), 'PRICE_OUT_OF_BAND');
    const bid = h.ok(lim(2, 'buy', 4000, 100));
    expectReject(
      h,
      { type: 'amendOrder', accountId: 2, orderId: bid, priceTicks: 3800 },
      'PRICE_OUT_OF_BAND',
    );
    // A market order trades up to the band and trips at the first price past it.
    const { orderId: sweep, events } = h.place({
      accountId: 3,
      instrumentId: M,
      side: 'buy',
      orderType: 'market',
      qtyLots: 200,
      tif: 'ioc',
    });
    assert.deepEqual(
      ofType(events, 'fill').map((f) => f.priceTicks),
      [5900],
    );
    assert.deepEqual(trips(events), [{ rule: 'band', priceTicks: 6200, fromPriceTicks: 5000 }]);
    assert.deepEqual(cancelled(events), [[sweep, 'circuitBreaker', 100]]);
    // On reopening the band is centred on the book's mid, (40¢ + 62¢) / 2: 62¢ is now within it.
    h.ts = h.engine.nextDueTs()!;
    h.apply({ type: 'tick' });
    assert.equal(h.engine.instrument(M)!.circuitBreaker!.referencePriceTicks, 5100);
    const after = h.place(lim(3, 'buy', 6100, 100)).events;
    assert.deepEqual(
      ofType(after, 'fill').map((f) => f.makerOrderId),
      [],
    );
    assert.ok(h.engine.openOrders(1).some((o) => o.orderId === beyond));
    expectSound(h);
    assert.equal(replayHash(h.journal), h.engine.stateHash());
  });

  test('without a configured reference the first trade sets it', () => {
    const h = market();
    h.must(breaker({ ...BREAKER, moveTicks: 0, bandTicks: 500 }));
    assert.equal(h.engine.instrument(M)!.circuitBreaker!.referencePriceTicks, undefined);
    h.ok(lim(1, 'buy', 9000, 100)); // no reference yet: any price
    h.ok(lim(2, 'sell', 9000, 100));
    assert.equal(h.engine.instrument(M)!.circuitBreaker!.referencePriceTicks, 9000);
    expectRejectPlace(h, lim(2, 'sell', 8400, 100), 'PRICE_OUT_OF_BAND');
    expectSound(h);
  });
});

describe('operators and the breaker', () => {
  function tripped(): Harness {
    const h = market();
    h.must(breaker(BREAKER));
    h.ok(lim(1, 'sell', 5000, 100));
    h.ok(lim(1, 'sell', 5600, 100));
    h.ok(lim(2, 'buy', 4800, 100));
    h.ok(lim(2, 'buy', 5000, 100));
    h.place(lim(2, 'buy', 5600, 100));
    assert.equal(h.engine.instrument(M)!.status, 'paused');
    return h;
  }

  test('a pause by hand holds a tripped market; opening by hand reopens it', () => {
    const h = tripped();
    const held = h.must({ type: 'setMarketStatus', instrumentId: M, status: 'paused' });
    assert.deepEqual(statuses(held), []);
    assert.deepEqual(
      ofType(held, 'circuitBreakerChanged').map((e) => e.reopensAt),
      [null],
    );
    h.ts += BREAKER.pauseMs * 2;
    assert.deepEqual(h.apply({ type: 'tick' }), []);
    assert.equal(h.engine.instrument(M)!.status, 'paused');
    const opened = h.must({ type: 'setMarketStatus', instrumentId: M, status: 'open' });
    assert.deepEqual(statuses(opened), ['open']);
    expectSound(h);
  });

  test('opening by hand during the pause ends it at once; closing ends it too', () => {
    const h = tripped();
    const opened = h.must({ type: 'setMarketStatus', instrumentId: M, status: 'open' });
    assert.deepEqual(
      ofType(opened, 'circuitBreakerChanged').map((e) => [e.reopensAt, e.referencePriceTicks]),
      [[null, 5200]],
    );
    assert.equal(h.engine.nextDueTs(), undefined);
    const again = tripped();
    again.must({ type: 'setMarketStatus', instrumentId: M, status: 'closed' });
    assert.equal(again.engine.instrument(M)!.reopensAt, undefined);
    expectSound(h);
    expectSound(again);
  });

  test('removing the breaker keeps a pause it started; a market without one never trips', () => {
    const h = tripped();
    h.must(breaker(null));
    assert.equal(h.engine.instrument(M)!.circuitBreaker, undefined);
    h.ts = h.engine.nextDueTs()!;
    assert.deepEqual(statuses(h.apply({ type: 'tick' })), ['open']);
    h.ok(lim(1, 'sell', 9000, 100));
    assert.deepEqual(trips(h.place(lim(3, 'buy', 9000, 100)).events), []);
    expectSound(h);
  });

  test('bad breakers are refused and change nothing', () => {
    const h = market();
    for (const [config, field] of [
      [{ ...BREAKER, moveTicks: -1 }, 'breaker.moveTicks'],
      [{ ...BREAKER, moveBps: 10_001 }, 'breaker.moveBps'],
      [{ ...BREAKER, windowMs: 0 }, 'breaker.windowMs'],
      [{ ...BREAKER, pauseMs: 86_400_001 }, 'breaker.pauseMs'],
      [{ ...BREAKER, moveTicks: 0 }, 'breaker'],
    ] as const) {
      const before = h.engine.stateHash();
      const [ev] = h.apply(breaker(config));
      assert.equal(ev?.type === 'rejected' && ev.field, field);
      assert.equal(h.engine.stateHash(), before);
    }
    expectReject(h, breaker(BREAKER, 5050), 'INVALID_FIELD');
    expectReject(h, { ...breaker(BREAKER), instrumentId: 99 } as Body, 'UNKNOWN_INSTRUMENT');
    h.must({ type: 'setMarketStatus', instrumentId: M, status: 'closed' });
    expectReject(h, breaker(BREAKER), 'INVALID_STATE');
  });
});
