// The invariant checker must actually catch broken states, or a green simulation means nothing.
// Each case restores a sound engine from a snapshot, breaks one thing through the engine's
// internals the way a bug would, and expects `verifyInvariants` to name it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newBreaker } from '../src/circuit-breaker.ts';
import { Engine, InvariantViolation, verifyInvariants } from '../src/index.ts';
import { BTC, binarySpec, DOLLAR, Harness, spotSpec, USD } from './support/harness.ts';

const M = 10;
const SPOT = 20;

/** A sound state: positions on both sides, resting binary bids/asks, a resting spot sell. */
function soundSnapshot(): { bytes: Uint8Array; bid: number; ask: number; spotAsk: number } {
  const h = new Harness()
    .setup([1, 2, 3], 100 * DOLLAR, 10_000_000)
    .market(binarySpec(M))
    .market(spotSpec(SPOT));
  const lim = (accountId: number, side: 'buy' | 'sell', priceTicks: number, qtyLots: number) =>
    h.ok({ accountId, instrumentId: M, side, orderType: 'limit', priceTicks, qtyLots, tif: 'gtc' });
  lim(1, 'buy', 5000, 300);
  lim(2, 'sell', 5000, 300);
  const bid = lim(3, 'buy', 4000, 200);
  const ask = lim(1, 'sell', 6000, 100); // closes YES: reserves position
  const spotAsk = h.ok({
    accountId: 2,
    instrumentId: SPOT,
    side: 'sell',
    orderType: 'limit',
    priceTicks: 900,
    qtyLots: 5,
    tif: 'gtc',
  });
  assert.deepEqual(verifyInvariants(h.engine), []);
  return { bytes: h.engine.snapshot(), bid, ask, spotAsk };
}

const base = soundSnapshot();

interface Case {
  what: string;
  expect: RegExp;
  breakIt: (e: Engine) => void;
}

const usdIndex = (e: Engine) => e.assetsById.get(USD)!.index;
const acct = (e: Engine, id: number) => e.accountsById.get(id)!;
const inst = (e: Engine, id: number) => e.instById.get(id)!;
const slotOf = (e: Engine, orderId: number) => e.orderSlots.get(orderId);

const CASES: Case[] = [
  {
    what: 'a negative balance',
    expect: /account 3 asset \d+: negative balance/,
    breakIt: (e) => {
      acct(e, 3).available[usdIndex(e)] = -1;
    },
  },
  {
    what: 'a fractional balance',
    expect: /non-integer balance/,
    breakIt: (e) => {
      acct(e, 3).available[usdIndex(e)]! += 0.5;
    },
  },
  {
    what: 'money created out of nothing',
    expect: /asset USD: held .* ≠ external .*money not conserved/,
    breakIt: (e) => {
      acct(e, 3).available[usdIndex(e)]! += 1;
    },
  },
  {
    what: 'reserved money no order accounts for',
    expect: /account 3 asset \d+: reserved .* ≠ orders'/,
    breakIt: (e) => {
      acct(e, 3).available[usdIndex(e)]! -= 7;
      acct(e, 3).reserved[usdIndex(e)]! += 7;
    },
  },
  {
    what: 'an order reserving the wrong cash for its size',
    expect: /order \d+: reserved cash/,
    breakIt: (e) => {
      e.store.resCash[slotOf(e, base.bid)]! -= 100;
      acct(e, 3).reserved[usdIndex(e)]! -= 100;
      acct(e, 3).available[usdIndex(e)]! += 100;
    },
  },
  {
    what: 'a wrong open-order count',
    expect: /account 3: openOrders/,
    breakIt: (e) => {
      acct(e, 3).openOrders++;
    },
  },
  {
    what: 'position reservations that differ from the orders',
    expect: /position reservations differ from orders/,
    breakIt: (e) => {
      acct(e, 1).positions[inst(e, M).index]!.reservedYes += 100;
    },
  },
  {
    what: 'an order reserving more position than its size',
    expect: /reserves more position than it is for/,
    breakIt: (e) => {
      const s = slotOf(e, base.ask);
      e.store.resPos[s] = 200;
      acct(e, 1).positions[inst(e, M).index]!.reservedYes = 200;
    },
  },
  {
    what: 'open lots that differ from the resting orders',
    expect: /account 3 inst 10 buy: open lots 300 ≠ resting 200/,
    breakIt: (e) => {
      acct(e, 3).openLots[2 * inst(e, M).index]! += 100;
    },
  },
  {
    what: 'open lots kept where nothing rests',
    expect: /account 2 inst 20 buy: open lots 1 ≠ resting 0/,
    breakIt: (e) => {
      acct(e, 2).openLots[2 * inst(e, SPOT).index] = 1;
    },
  },
  {
    what: 'YES and NO open interest out of balance',
    expect: /instrument 10: YES 400 \/ NO 300/,
    breakIt: (e) => {
      acct(e, 1).positions[inst(e, M).index]!.lots += 100;
    },
  },
  {
    what: 'escrow not matching open interest',
    expect: /instrument 10: escrow/,
    breakIt: (e) => {
      inst(e, M).escrow -= 1;
      acct(e, 3).available[usdIndex(e)]! += 1;
    },
  },
  {
    what: 'a spot sell reserving the wrong base amount',
    expect: /base reserve wrong/,
    breakIt: (e) => {
      const k = e.assetsById.get(BTC)!.index;
      e.store.resPos[slotOf(e, base.spotAsk)]! -= 1;
      acct(e, 2).reserved[k]! -= 1;
      acct(e, 2).available[k]! += 1;
    },
  },
  {
    what: 'a book level aggregate that differs from its queue',
    expect: /book 10 side 0 level \d+: aggregate/,
    breakIt: (e) => {
      const b = inst(e, M).book;
      b.qty[b.best[0]!]! += 100;
    },
  },
  {
    what: 'a stale best price',
    expect: /book 10: best/,
    breakIt: (e) => {
      inst(e, M).book.best[0] = -1;
    },
  },
  {
    what: 'a crossed book',
    expect: /book 10: crossed at rest/,
    breakIt: (e) => {
      // Move the resting ask at 6000 down to 3000, below the 4000 bid, as a broken matcher might.
      const i = inst(e, M);
      const s = slotOf(e, base.ask);
      const from = (6000 - 100) / 100;
      const to = (3000 - 100) / 100;
      i.book.remove(e.store, 1, from, s);
      e.store.price[s] = 3000;
      i.book.push(e.store, 1, to, s);
    },
  },
  {
    what: 'an open market waiting for its circuit breaker to reopen it',
    expect: /instrument 10: breaker reopening while open/,
    breakIt: (e) => {
      inst(e, M).reopensAt = e.lastTs + 1_000;
    },
  },
  {
    what: "a breaker window whose low queue's prices do not rise",
    expect: /instrument 10: breaker window queue out of order/,
    breakIt: (e) => {
      const config = { moveTicks: 500, moveBps: 0, windowMs: 1_000, pauseMs: 1_000, bandTicks: 0 };
      const b = newBreaker(config, 5000);
      b.lowTs.push(e.lastTs, e.lastTs);
      b.lowPx.push(5000, 4900);
      inst(e, M).breaker = b;
    },
  },
];

describe('verifyInvariants catches broken states', () => {
  test('the base state is sound and restores sound', () => {
    assert.deepEqual(verifyInvariants(Engine.restore(base.bytes)), []);
  });
  for (const c of CASES) {
    test(c.what, () => {
      const e = Engine.restore(base.bytes);
      c.breakIt(e);
      const found = verifyInvariants(e);
      assert.ok(
        found.some((v) => c.expect.test(v)),
        `expected a violation matching ${c.expect}, got ${JSON.stringify(found)}`,
      );
    });
  }
});

describe('the engine crashes rather than mutate on top of a broken invariant', () => {
  const cancel = (e: Engine, accountId: number, orderId: number) =>
    new Harness(10_000, e).apply({ type: 'cancelOrder', accountId, orderId });

  test('releasing more than an account has reserved throws InvariantViolation', () => {
    const e = Engine.restore(base.bytes);
    // The bid's reservation vanished from the account but not from the order, as a bug might do it.
    const money = e.store.resCash[slotOf(e, base.bid)]! + e.store.resFee[slotOf(e, base.bid)]!;
    acct(e, 3).reserved[usdIndex(e)]! -= money;
    acct(e, 3).available[usdIndex(e)]! += money;
    assert.throws(() => cancel(e, 3, base.bid), InvariantViolation);
  });

  test('the same commands on a sound state run through', () => {
    const e = Engine.restore(base.bytes);
    const events = cancel(e, 3, base.bid);
    assert.ok(events.some((ev) => ev.type === 'orderCancelled'));
    assert.deepEqual(verifyInvariants(e), []);
  });
});
