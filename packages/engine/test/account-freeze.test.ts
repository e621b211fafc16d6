// The surveillance kill switch, worked through: freezing an account cancels its resting orders and
// parked stops (reason `accountFrozen`, reservations released), refuses its new orders with
// ACCOUNT_FROZEN while other accounts trade on, and unfreezing lets it trade again; the frozen flag
// is part of the snapshot and the state hash, and a replay of the same commands gives the same hash.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Command, Engine } from '../src/index.ts';
import { expectReject, expectRejectPlace, expectSound } from './support/expect.ts';
import { binarySpec, Harness, ofType } from './support/harness.ts';
import { cancelled, lim, M, market, START } from './support/order-fixtures.ts';

const freeze = (accountId: number, frozen = true) =>
  ({ type: 'setAccountFrozen', accountId, frozen }) as const;

test('freezing cancels every live order of the account and nothing else', () => {
  const h = market();
  const bid = h.ok(lim(1, 'buy', 4000, 100));
  const ask = h.ok(lim(1, 'sell', 6000, 200));
  const stop = h.ok(lim(1, 'buy', 7000, 100, { orderType: 'stopLimit', stopPriceTicks: 6500 }));
  const other = h.ok(lim(2, 'buy', 4100, 100));
  assert.ok(h.usd(1).reserved > 0);

  const events = h.must(freeze(1));
  // Newest first, as the account's order list runs.
  assert.deepEqual(cancelled(events), [
    [stop, 'accountFrozen', 100],
    [ask, 'accountFrozen', 200],
    [bid, 'accountFrozen', 100],
  ]);
  assert.deepEqual(ofType(events, 'accountFrozenChanged'), [
    { type: 'accountFrozenChanged', accountId: 1, frozen: true },
  ]);
  assert.deepEqual(h.usd(1), { available: START, reserved: 0 });
  assert.deepEqual(h.engine.openOrders(1), []);
  assert.deepEqual(
    h.engine.openOrders(2).map((o) => o.orderId),
    [other],
  );
  assert.equal(h.engine.account(1)?.frozen, true);
  expectSound(h);
});

test('a frozen account is refused new orders; others trade; unfreezing lets it trade again', () => {
  const h = market();
  h.must(freeze(1));
  expectRejectPlace(h, lim(1, 'buy', 4000, 100), 'ACCOUNT_FROZEN');
  // Other accounts are untouched, and a frozen account may still cancel (it has nothing to cancel).
  h.ok(lim(2, 'sell', 5000, 200));
  h.ok(lim(3, 'buy', 5000, 100));
  assert.deepEqual(h.apply({ type: 'cancelAll', accountId: 1 }), []);
  // Freezing again changes nothing but says so.
  assert.deepEqual(ofType(h.must(freeze(1)), 'orderCancelled'), []);

  h.must(freeze(1, false));
  assert.equal(h.engine.account(1)?.frozen, false);
  h.ok(lim(1, 'buy', 5000, 100));
  assert.equal(h.lots(1, M), 100);
  expectSound(h);
});

test('bad freezes are refused and change nothing', () => {
  const h = market();
  expectReject(h, freeze(99), 'UNKNOWN_ACCOUNT');
  expectReject(
    h,
    { type: 'setAccountFrozen', accountId: 1, frozen: 'yes' as never },
    'INVALID_FIELD',
  );
});

test('the frozen flag is in the snapshot and the hash; replay gives the same hash', () => {
  const h = new Harness();
  const journal: Command[] = [];
  const original = h.engine.apply.bind(h.engine);
  // Record every command the harness applies, to replay them on a fresh engine.
  h.engine.apply = (c: Command) => {
    journal.push(c);
    return original(c);
  };
  h.setup([1, 2], START).market(binarySpec(M));
  h.ok(lim(1, 'buy', 4000, 100));
  h.ok(lim(2, 'sell', 6000, 100));
  const before = h.engine.stateHash();
  h.must(freeze(1));
  const frozenHash = h.engine.stateHash();
  assert.notEqual(frozenHash, before);

  const replayed = new Engine(h.engine.config);
  for (const c of journal) replayed.apply(c);
  assert.equal(replayed.stateHash(), frozenHash);

  const restored = Engine.restore(h.engine.snapshot());
  assert.equal(restored.stateHash(), frozenHash);
  assert.equal(restored.account(1)?.frozen, true);
  // The restored engine still refuses the frozen account, and unfreezes the same way.
  const seq = h.engine.lastSeq;
  const place: Command = {
    type: 'placeOrder',
    seq: seq + 1,
    ts: h.ts,
    orderId: seq + 1,
    ...lim(1, 'buy', 4000, 100),
  };
  assert.equal(ofType([...restored.apply(place)], 'rejected')[0]?.reason, 'ACCOUNT_FROZEN');
  const unfreeze: Command = {
    type: 'setAccountFrozen',
    seq: seq + 2,
    ts: h.ts,
    accountId: 1,
    frozen: false,
  };
  restored.apply(unfreeze);
  h.must(freeze(1, false));
  assert.equal(restored.stateHash(), h.engine.stateHash());
  // Unfrozen, the account serialises exactly as one never frozen.
  assert.ok(!new TextDecoder().decode(h.engine.snapshotJson()).includes('"frozen"'));
});
