// Order groups, worked through: fills of a group's orders, as maker or as taker, count in a rolling
// 15-second window; when the window reaches the cap the group triggers and, when the command ends,
// every live order in it is cancelled (reason `orderGroup`) while orders outside it stay; a triggered
// group refuses new orders until reset; lowering the cap below the window, triggering and deleting
// work as commands; another account's group is unknown; snapshots keep groups and their windows.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Engine, type EngineEvent } from '../src/index.ts';
import { expectReject, expectRejectPlace, expectSound } from './support/expect.ts';
import { fills, Harness, ofType } from './support/harness.ts';
import { cancelled, lim, market } from './support/order-fixtures.ts';

/** Creates a group for the account; its id is the command's seq. */
function group(h: Harness, accountId: number, limitLots: number): number {
  const events = h.must({ type: 'createOrderGroup', accountId, limitLots });
  assert.deepEqual(ofType(events, 'orderGroupUpdated'), [
    { type: 'orderGroupUpdated', groupId: h.seq, accountId, limitLots, triggered: false },
  ]);
  return h.seq;
}

const triggered = (events: readonly EngineEvent[]) =>
  ofType(events, 'orderGroupUpdated').map((e) => [e.groupId, e.triggered]);

describe('a group reaching its cap', () => {
  test('cancels the rest of its orders when the command ends, and leaves other orders', () => {
    const h = market();
    const g = group(h, 1, 300);
    const first = h.ok(lim(1, 'buy', 4000, 200, { orderGroupId: g }));
    const second = h.ok(lim(1, 'buy', 3900, 200, { orderGroupId: g }));
    const outside = h.ok(lim(1, 'buy', 3800, 200));
    assert.deepEqual(h.engine.orderGroup(g)?.orderIds, [first, second]);
    assert.equal(h.engine.order(first)?.orderGroupId, g);

    const { events } = h.place(lim(2, 'sell', 3900, 300, { tif: 'ioc' }));
    assert.deepEqual(
      fills(events).map((f) => [f.price, f.qty]),
      [
        [4000, 200],
        [3900, 100],
      ],
    );
    assert.deepEqual(triggered(events), [[g, true]]);
    assert.deepEqual(cancelled(events), [[second, 'orderGroup', 100]]);
    assert.equal(h.engine.order(outside)?.openQtyLots, 200, 'an order outside the group stays');
    assert.deepEqual(h.engine.orderGroup(g), {
      groupId: g,
      accountId: 1,
      limitLots: 300,
      triggered: true,
      matchedLots: 300,
      orderIds: [],
    });
    expectRejectPlace(h, lim(1, 'buy', 3500, 100, { orderGroupId: g }), 'ORDER_GROUP_TRIGGERED');

    // A reset empties the window and takes orders again.
    assert.deepEqual(triggered(h.must({ type: 'resetOrderGroup', accountId: 1, groupId: g })), [
      [g, false],
    ]);
    assert.equal(h.engine.orderGroup(g)?.matchedLots, 0);
    h.ok(lim(1, 'buy', 3500, 100, { orderGroupId: g }));
    expectSound(h);
  });

  test('counts a taker in the group too, and lets its command complete (FOK stays whole)', () => {
    const h = market();
    h.ok(lim(2, 'sell', 4000, 100));
    h.ok(lim(3, 'sell', 4100, 100));
    h.ok(lim(4, 'sell', 4200, 100));
    const g = group(h, 1, 100);
    const resting = h.ok(lim(1, 'buy', 3000, 100, { orderGroupId: g }));
    const { events } = h.place(lim(1, 'buy', 4200, 300, { tif: 'fok', orderGroupId: g }));
    assert.equal(
      fills(events).reduce((n, f) => n + f.qty, 0),
      300,
    );
    assert.deepEqual(triggered(events), [[g, true]]);
    assert.deepEqual(cancelled(events), [[resting, 'orderGroup', 100]]);
    // The window stops counting once the group has triggered: a reset starts it again from zero.
    assert.equal(h.engine.orderGroup(g)?.matchedLots, 100);
    expectSound(h);
  });
});

test('the window rolls: fills older than 15 seconds no longer count', () => {
  const h = market();
  const g = group(h, 1, 300);
  h.ok(lim(1, 'buy', 4000, 1_000, { orderGroupId: g }));
  h.ok(lim(2, 'sell', 4000, 200, { tif: 'ioc' }));
  h.ts += 15_000;
  // Exactly 15 s later the first fill has left the window: 100 + 0 < 300.
  assert.deepEqual(triggered(h.place(lim(2, 'sell', 4000, 100, { tif: 'ioc' })).events), []);
  assert.equal(h.engine.orderGroup(g)?.matchedLots, 100);
  h.ts += 14_999;
  // Still inside: 100 + 200 reaches the cap.
  const { events } = h.place(lim(2, 'sell', 4000, 200, { tif: 'ioc' }));
  assert.deepEqual(triggered(events), [[g, true]]);
  assert.equal(ofType(events, 'orderCancelled')[0]?.reason, 'orderGroup');
  expectSound(h);
});

test('a lower cap, a trigger and a delete act at once; other accounts cannot touch a group', () => {
  const h = market();
  const g = group(h, 1, 1_000);
  const bid = h.ok(lim(1, 'buy', 4000, 500, { orderGroupId: g }));
  h.ok(lim(2, 'sell', 4000, 200, { tif: 'ioc' }));
  // The window holds 200: a cap of 200 is reached as soon as it is set.
  const lowered = h.must({ type: 'setOrderGroupLimit', accountId: 1, groupId: g, limitLots: 200 });
  assert.deepEqual(cancelled(lowered), [[bid, 'orderGroup', 300]]);
  assert.deepEqual(triggered(lowered), [
    [g, false],
    [g, true],
  ]);

  const g2 = group(h, 1, 1_000);
  const a = h.ok(lim(1, 'buy', 3000, 100, { orderGroupId: g2 }));
  const b = h.ok(lim(1, 'sell', 7000, 100, { orderGroupId: g2 }));
  assert.deepEqual(cancelled(h.must({ type: 'triggerOrderGroup', accountId: 1, groupId: g2 })), [
    [a, 'orderGroup', 100],
    [b, 'orderGroup', 100],
  ]);
  const g3 = group(h, 1, 1_000);
  const c = h.ok(lim(1, 'buy', 3000, 100, { orderGroupId: g3 }));
  const deleted = h.must({ type: 'deleteOrderGroup', accountId: 1, groupId: g3 });
  assert.deepEqual(cancelled(deleted), [[c, 'orderGroup', 100]]);
  assert.deepEqual(ofType(deleted, 'orderGroupDeleted'), [
    { type: 'orderGroupDeleted', groupId: g3, accountId: 1 },
  ]);
  assert.equal(h.engine.orderGroup(g3), undefined);

  expectReject(h, { type: 'triggerOrderGroup', accountId: 2, groupId: g }, 'UNKNOWN_ORDER_GROUP');
  expectReject(h, { type: 'resetOrderGroup', accountId: 1, groupId: g3 }, 'UNKNOWN_ORDER_GROUP');
  expectReject(
    h,
    { type: 'setOrderGroupLimit', accountId: 1, groupId: g, limitLots: 0 },
    'INVALID_QUANTITY',
  );
  expectReject(h, { type: 'createOrderGroup', accountId: 1, limitLots: 1.5 }, 'INVALID_QUANTITY');
  expectReject(h, { type: 'deleteOrderGroup', accountId: 1, groupId: -1 }, 'INVALID_FIELD');
  assert.deepEqual(
    h.engine.orderGroups(1).map((v) => [v.groupId, v.triggered]),
    [
      [g, true],
      [g2, true],
    ],
  );
  assert.deepEqual(h.engine.orderGroups(2), []);
  expectSound(h);
});

test('a snapshot keeps groups, their windows and members; no groups, no bytes', () => {
  const h = market();
  assert.ok(!new TextDecoder().decode(h.engine.snapshotJson()).includes('"groups"'));
  const g = group(h, 1, 300);
  h.ok(lim(1, 'buy', 4000, 400, { orderGroupId: g }));
  h.ok(lim(2, 'sell', 4000, 200, { tif: 'ioc' }));
  const restored = Engine.restore(h.engine.snapshot());
  assert.equal(restored.stateHash(), h.engine.stateHash());
  assert.deepEqual(restored.orderGroup(g), h.engine.orderGroup(g));
  // Both reach the cap at the same next fill and cancel the same order.
  const again = new Harness(10_000, restored);
  again.ts = h.ts;
  const next = lim(2, 'sell', 4000, 100, { tif: 'ioc' });
  assert.deepEqual(again.place(next).events, h.place(next).events);
  assert.equal(restored.stateHash(), h.engine.stateHash());
  expectSound(h);
});
