// Market schedules, worked through: a market closes by itself at its closing time — at the first
// command that reaches it, before that command runs, cancelling what a manual close cancels — and a
// created market opens by itself at its opening time; opening or closing by hand ends the schedule's
// moot part; bad schedules are refused and change nothing; `nextDueTs` names the next time the engine
// has work of its own; a snapshot keeps the schedule, and a market without one hashes as before.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Engine, type EngineEvent } from '../src/index.ts';
import { expectReject, expectRejectPlace, expectSound } from './support/expect.ts';
import { binarySpec, Harness, ofType } from './support/harness.ts';
import { cancelled, lim, M, market } from './support/order-fixtures.ts';

const schedule = (opensAt: number | null, closesAt: number | null, instrumentId = M) =>
  ({ type: 'scheduleMarket', instrumentId, opensAt, closesAt }) as const;

const statuses = (events: readonly EngineEvent[]) =>
  ofType(events, 'marketStatusChanged').map((e) => [e.instrumentId, e.status]);

const schedules = (events: readonly EngineEvent[]) =>
  ofType(events, 'marketScheduled').map((e) => [e.instrumentId, e.opensAt, e.closesAt]);

describe('a scheduled close', () => {
  test('happens at the first command that reaches it, before that command', () => {
    const h = market();
    const closesAt = h.ts + 60_000;
    assert.deepEqual(schedules(h.must(schedule(null, closesAt))), [[M, null, closesAt]]);
    assert.equal(h.engine.instrument(M)!.closesAt, closesAt);
    const bid = h.ok(lim(1, 'buy', 4000, 100));
    h.ts = closesAt - 1;
    h.ok(lim(2, 'buy', 3900, 100));
    assert.equal(h.engine.instrument(M)!.status, 'open');

    // A minute on, an order for the market arrives: the market closes first and refuses it.
    h.ts = closesAt;
    const events = h.apply({
      type: 'placeOrder',
      orderId: h.seq + 1,
      ...lim(3, 'sell', 3000, 100),
    });
    assert.deepEqual(statuses(events), [[M, 'closed']]);
    assert.deepEqual(schedules(events), [[M, null, null]]);
    // As a manual close: the book is walked level by level from the lowest price.
    assert.deepEqual(
      cancelled(events).map(([id, reason]) => [id, reason]),
      [
        [bid + 1, 'marketClosed'],
        [bid, 'marketClosed'],
      ],
    );
    assert.deepEqual(
      ofType(events, 'rejected').map((e) => [e.command, e.reason]),
      [['placeOrder', 'MARKET_NOT_OPEN']],
    );
    assert.deepEqual(h.usd(1).reserved, 0);
    assert.equal(h.engine.instrument(M)!.closesAt, undefined);
    assert.equal(h.engine.nextDueTs(), undefined);
    expectSound(h);
  });

  test('a tick is enough, and a paused market closes on time too', () => {
    const h = market();
    h.must(schedule(null, h.ts + 1_000));
    h.must({ type: 'setMarketStatus', instrumentId: M, status: 'paused' });
    assert.equal(h.engine.instrument(M)!.closesAt, h.ts + 1_000, 'a pause keeps the schedule');
    h.ts += 999;
    assert.deepEqual(h.apply({ type: 'tick' }), []);
    h.ts += 1;
    assert.deepEqual(statuses(h.apply({ type: 'tick' })), [[M, 'closed']]);
    expectSound(h);
  });
});

describe('a scheduled opening', () => {
  test('opens a created market before the command that reaches it', () => {
    const h = new Harness().setup([1], 1_000_000_000);
    h.must({ type: 'createInstrument', spec: binarySpec(M) });
    const opensAt = h.ts + 5_000;
    const closesAt = h.ts + 10_000;
    h.must(schedule(opensAt, closesAt));
    expectRejectPlace(h, lim(1, 'buy', 4000, 100), 'MARKET_NOT_OPEN');
    h.ts = opensAt;
    const { events } = h.place(lim(1, 'buy', 4000, 100));
    assert.deepEqual(statuses(events), [[M, 'open']]);
    assert.deepEqual(schedules(events), [[M, null, closesAt]]);
    assert.ok(events.some((e) => e.type === 'orderRested'));
    h.ts = closesAt + 5;
    assert.deepEqual(statuses(h.apply({ type: 'tick' })), [[M, 'closed']]);
    expectSound(h);
  });

  test('a market due to open and to close at once opens, then closes', () => {
    const h = new Harness().setup([1], 0);
    h.must({ type: 'createInstrument', spec: binarySpec(M) });
    h.must(schedule(h.ts + 10, h.ts + 20));
    h.ts += 30;
    assert.deepEqual(statuses(h.apply({ type: 'tick' })), [
      [M, 'open'],
      [M, 'closed'],
    ]);
    expectSound(h);
  });

  test('opening or closing by hand ends what it makes moot', () => {
    const h = new Harness().setup([1], 0);
    h.must({ type: 'createInstrument', spec: binarySpec(M) });
    h.must(schedule(h.ts + 10_000, h.ts + 20_000));
    const opened = h.must({ type: 'setMarketStatus', instrumentId: M, status: 'open' });
    assert.deepEqual(schedules(opened), [[M, null, h.ts + 20_000]]);
    const closed = h.must({ type: 'setMarketStatus', instrumentId: M, status: 'closed' });
    assert.deepEqual(schedules(closed), [[M, null, null]]);
    h.ts += 30_000;
    assert.deepEqual(h.apply({ type: 'tick' }), [], 'nothing is left to run');
    expectSound(h);
  });
});

test('bad schedules are refused and change nothing', () => {
  const h = market();
  expectReject(h, schedule(null, h.ts), 'SCHEDULE_IN_PAST');
  expectReject(h, schedule(null, h.ts - 1), 'SCHEDULE_IN_PAST');
  expectReject(h, schedule(h.ts + 10, null), 'INVALID_STATE');
  expectReject(h, schedule(null, 1.5), 'INVALID_FIELD');
  expectReject(h, schedule(null, -5), 'INVALID_FIELD');
  expectReject(h, schedule(null, h.ts + 10, 999), 'UNKNOWN_INSTRUMENT');
  const created = new Harness().setup([1], 0);
  created.must({ type: 'createInstrument', spec: binarySpec(M) });
  expectReject(created, schedule(created.ts + 20, created.ts + 20), 'INVALID_FIELD');
  expectReject(created, schedule(created.ts + 20, created.ts + 10), 'INVALID_FIELD');
  h.must({ type: 'setMarketStatus', instrumentId: M, status: 'closed' });
  expectReject(h, schedule(null, h.ts + 10), 'INVALID_STATE');
  expectSound(h);
});

test('nextDueTs is the earlier of the next GTD expiry and the next schedule', () => {
  const h = market();
  h.must({ type: 'createInstrument', spec: binarySpec(M + 1) });
  assert.equal(h.engine.nextDueTs(), undefined);
  h.ok(lim(1, 'buy', 4000, 100, { tif: 'gtd', expiresAt: h.ts + 5_000 }));
  assert.equal(h.engine.nextDueTs(), h.ts + 5_000);
  h.must(schedule(h.ts + 3_000, null, M + 1));
  assert.equal(h.engine.nextDueTs(), h.ts + 3_000);
  h.must(schedule(null, null, M + 1));
  assert.equal(h.engine.nextDueTs(), h.ts + 5_000, 'clearing a schedule takes it out');
});

test('a snapshot keeps the schedule; a market without one has the same bytes as before', () => {
  const h = market();
  const plain = new TextDecoder().decode(h.engine.snapshotJson());
  assert.ok(!plain.includes('"schedule"'));
  const closesAt = h.ts + 60_000;
  h.must(schedule(null, closesAt));
  const restored = Engine.restore(h.engine.snapshot());
  assert.equal(restored.stateHash(), h.engine.stateHash());
  assert.equal(restored.instrument(M)!.closesAt, closesAt);
  assert.equal(restored.nextDueTs(), closesAt);
  // The restored engine closes the market at the same command as the original.
  const again = new Harness(10_000, restored);
  again.ts = closesAt;
  h.ts = closesAt;
  assert.deepEqual(again.apply({ type: 'tick' }), h.apply({ type: 'tick' }));
  assert.equal(restored.stateHash(), h.engine.stateHash());
});
