// The trigger rules on hand-made commands: each kind fires at the command that meets it and only
// there, an alert never sees commands up to its creation seq, and a fired alert fires no more.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '@bourse/engine';
import {
  type ActiveAlert,
  type AlertCondition,
  AlertEvaluator,
  conditionProblem,
  initialState,
  MarketTape,
  volumeBucketMs,
} from '@bourse/alerts';

const M = 7;
const created = {
  type: 'instrumentCreated',
  // One tick is a cent per contract: prices read as `61¢`.
  spec: {
    kind: 'binary',
    instrumentId: M,
    symbol: 'RAIN',
    moneyPerTickLot: 100,
    lotsPerContract: 100,
  },
} as unknown as EngineEvent;

function fill(price: number, qty = 1, extra: Partial<Record<string, number>> = {}): EngineEvent {
  return {
    type: 'fill',
    tradeId: 1,
    instrumentId: M,
    takerOrderId: 100,
    makerOrderId: 200,
    takerAccountId: 1,
    makerAccountId: 2,
    takerSide: 'buy',
    priceTicks: price,
    qtyLots: qty,
    takerFee: 0,
    makerFee: 0,
    takerOpenQtyLots: 0,
    makerOpenQtyLots: 5,
    ...extra,
  } as EngineEvent;
}

function level(side: 'buy' | 'sell', price: number, qty: number): EngineEvent {
  return {
    type: 'bookLevel',
    instrumentId: M,
    side,
    priceTicks: price,
    qtyLots: qty,
    orderCount: 1,
  };
}

function setup(conditions: AlertCondition[], fromSeq = 1, accountId = 1) {
  const ev = new AlertEvaluator(new MarketTape(), 0);
  ev.apply({ seq: 1, ts: 1_000, events: [created] });
  conditions.forEach((condition, i) => {
    const a: ActiveAlert = {
      alertId: i + 1,
      userId: 9,
      accountId,
      condition,
      fromSeq,
      state: initialState(condition),
    };
    ev.add(a);
  });
  let seq = 1;
  const run = (ts: number, ...events: EngineEvent[]) =>
    ev
      .apply({ seq: ++seq, ts, events })
      .map((f) => ({ id: f.alert.alertId, seq: f.seq, text: f.trigger.text }));
  return { ev, run };
}

test('a price crossing fires on the first trade at or past the level, once', () => {
  const { run } = setup([
    { kind: 'priceCross', instrumentId: M, direction: 'above', priceTicks: 60 },
    { kind: 'priceCross', instrumentId: M, direction: 'below', priceTicks: 40 },
  ]);
  assert.deepEqual(run(2_000, fill(55)), []);
  const up = run(3_000, fill(58), fill(61));
  assert.deepEqual(
    up.map((f) => f.id),
    [1],
  );
  assert.match(up[0]!.text, /RAIN traded at 61¢, at or above 60¢/);
  assert.deepEqual(run(4_000, fill(70)), [], 'fired once');
  assert.deepEqual(
    run(5_000, fill(40)).map((f) => f.id),
    [2],
  );
});

test('a move fires when a trade is far enough from the extreme still in the window', () => {
  const { run } = setup([
    { kind: 'priceMove', instrumentId: M, direction: 'up', moveBps: 1_000, windowMs: 10_000 },
    { kind: 'priceMove', instrumentId: M, direction: 'down', moveBps: 500, windowMs: 10_000 },
  ]);
  assert.deepEqual(run(1_000, fill(100)), []);
  assert.deepEqual(run(2_000, fill(105)), []);
  // 109 is 9 % above 100: not yet. By 12.5 s the trades of 1 s and 2 s have left the 10 s window, so
  // 110 is measured from 109, the lowest trade still in it.
  assert.deepEqual(run(5_000, fill(109)), []);
  assert.deepEqual(run(12_500, fill(110)), []);
  // Down 5 % from the window's high (110) fires the second alert.
  assert.deepEqual(
    run(13_000, fill(104)).map((f) => f.id),
    [2],
  );
  assert.deepEqual(
    run(14_000, fill(115)).map((f) => f.id),
    [1],
    '104 → 115 is 10.6 % up from the lowest trade in the window',
  );
});

test('a spread threshold is read after each command that changes the book', () => {
  const { run } = setup([
    { kind: 'spread', instrumentId: M, direction: 'wider', spreadTicks: 10 },
    { kind: 'spread', instrumentId: M, direction: 'narrower', spreadTicks: 2 },
  ]);
  assert.deepEqual(run(1_000, level('buy', 50, 5)), [], 'one side only');
  assert.deepEqual(run(2_000, level('sell', 55, 5)), []);
  assert.deepEqual(
    run(3_000, level('sell', 55, 0), level('sell', 62, 3)).map((f) => f.id),
    [1],
  );
  assert.deepEqual(
    run(4_000, level('buy', 60, 1)).map((f) => f.id),
    [2],
  );
});

test('a volume threshold counts lots over the trailing window', () => {
  const windowMs = 60_000;
  assert.equal(volumeBucketMs(windowMs), 1_000);
  const { run } = setup([{ kind: 'volume', instrumentId: M, volumeLots: 10, windowMs }]);
  assert.deepEqual(run(1_000, fill(50, 6)), []);
  assert.deepEqual(run(70_000, fill(50, 6)), [], 'the first 6 lots left the window');
  const hit = run(71_000, fill(50, 4));
  assert.deepEqual(
    hit.map((f) => f.id),
    [1],
  );
  assert.match(hit[0]!.text, /traded 10 lots/);
});

test('my order filled: a given order when complete, or any fill of my account', () => {
  const { run } = setup(
    [
      { kind: 'orderFilled', orderId: 200 },
      { kind: 'orderFilled', instrumentId: M },
      { kind: 'orderFilled', orderId: 999 },
    ],
    1,
    2,
  );
  const first = run(1_000, fill(50, 1, { makerOpenQtyLots: 4 }));
  assert.deepEqual(
    first.map((f) => f.id),
    [2],
    'order 200 only partly filled',
  );
  assert.deepEqual(
    run(2_000, fill(50, 4, { makerOpenQtyLots: 0 })).map((f) => f.id),
    [1],
  );
  assert.deepEqual(run(3_000, fill(50, 1, { makerAccountId: 3 })), []);
});

test('closing: the clock fires it within the lead time, a close seen first fires it too', () => {
  const { ev, run } = setup([
    { kind: 'marketClosing', instrumentId: M, leadMs: 60_000 },
    { kind: 'marketClosing', instrumentId: M, leadMs: 1_000 },
    { kind: 'marketSettled', instrumentId: M },
  ]);
  run(1_000, { type: 'marketStatusChanged', instrumentId: M, status: 'open' });
  run(1_000, { type: 'marketScheduled', instrumentId: M, opensAt: null, closesAt: 200_000 });
  assert.deepEqual(ev.tick(139_000), []);
  assert.deepEqual(
    ev.tick(140_000).map((f) => f.alert.alertId),
    [1],
  );
  assert.deepEqual(ev.tick(150_000), [], 'fired once');
  // The close arrives before the second alert's lead time was ever read.
  const closed = run(200_000, { type: 'marketStatusChanged', instrumentId: M, status: 'closed' });
  assert.deepEqual(
    closed.map((f) => f.id),
    [2],
  );
  const settled = run(300_000, {
    type: 'marketSettled',
    instrumentId: M,
    result: 'yes',
    valueTicks: 10_000,
    escrowLeft: 0,
  });
  assert.deepEqual(
    settled.map((f) => f.id),
    [3],
  );
  assert.match(settled[0]!.text, /RAIN settled YES/);
});

test('an alert ignores commands up to its creation seq, and a replayed seq changes nothing', () => {
  const ev = new AlertEvaluator(new MarketTape(), 0);
  ev.apply({ seq: 1, ts: 0, events: [created] });
  const condition: AlertCondition = {
    kind: 'priceCross',
    instrumentId: M,
    direction: 'above',
    priceTicks: 10,
  };
  ev.add({ alertId: 1, userId: 1, accountId: 1, condition, fromSeq: 3, state: {} });
  assert.deepEqual(ev.apply({ seq: 2, ts: 0, events: [fill(50)] }), []);
  assert.deepEqual(ev.apply({ seq: 3, ts: 0, events: [fill(50)] }), []);
  assert.deepEqual(ev.apply({ seq: 3, ts: 0, events: [fill(50)] }), [], 'a seq seen already');
  assert.equal(ev.apply({ seq: 4, ts: 0, events: [fill(50)] }).length, 1);
});

test('bad conditions are named by field and rule', () => {
  assert.deepEqual(
    conditionProblem({ kind: 'priceCross', instrumentId: M, direction: 'above', priceTicks: 0 }),
    {
      field: 'priceTicks',
      rule: 'a positive integer',
    },
  );
  assert.equal(
    conditionProblem({
      kind: 'priceMove',
      instrumentId: M,
      direction: 'up',
      moveBps: 10,
      windowMs: 0,
    })?.field,
    'windowMs',
  );
  assert.equal(
    conditionProblem({ kind: 'volume', instrumentId: M, volumeLots: 1.5, windowMs: 10 })?.field,
    'volumeLots',
  );
  assert.equal(
    conditionProblem({ kind: 'marketClosing', instrumentId: M, leadMs: -1 })?.field,
    'leadMs',
  );
});

test('a command is checked against the alerts of the markets and accounts it touched only', () => {
  const ev = new AlertEvaluator(new MarketTape(), 0);
  ev.apply({ seq: 1, ts: 0, events: [created] });
  const cross = (instrumentId: number): AlertCondition => ({
    kind: 'priceCross',
    instrumentId,
    direction: 'above',
    priceTicks: 1,
  });
  // Ten thousand alerts on other markets and other accounts' fills: none concerns this trade.
  for (let i = 1; i <= 10_000; i++) {
    const condition: AlertCondition = i % 2 === 0 ? cross(100 + i) : { kind: 'orderFilled' };
    ev.add({ alertId: i, userId: i, accountId: 1_000 + i, condition, fromSeq: 1, state: {} });
  }
  ev.add({ alertId: 20_001, userId: 1, accountId: 1, condition: cross(M), fromSeq: 1, state: {} });
  ev.add({
    alertId: 20_002,
    userId: 2,
    accountId: 2,
    condition: { kind: 'orderFilled' },
    fromSeq: 1,
    state: {},
  });
  ev.add({ alertId: 20_003, userId: 3, accountId: 3, condition: cross(M), fromSeq: 1, state: {} });
  ev.remove(20_003);
  const fired = ev.apply({ seq: 2, ts: 0, events: [fill(50)] }).map((f) => f.alert.alertId);
  assert.deepEqual(fired.sort(), [20_001, 20_002], 'a deleted alert no longer fires');
  assert.equal(ev.size, 10_000);
});
