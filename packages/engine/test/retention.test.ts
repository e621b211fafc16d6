// An engine that is dropped must be collectable: order entry's reused scratch must not keep the last
// order's account and market (with its book and price levels) reachable after the engine is gone, or a
// process that replaces its engine (a restart from a snapshot, a standby, a test) holds the old one.

import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { lim, M, market } from './support/order-fixtures.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Trades on a fresh engine, then lets it go; returns weak references to what it owned. */
function tradeAndDrop(): WeakRef<object>[] {
  const h = market();
  h.ok(lim(1, 'buy', 4_000, 500));
  h.ok(lim(2, 'sell', 4_000, 200));
  h.place(lim(3, 'buy', 4_050, 0)); // refused: the scratch also sees refusals
  const inst = h.engine.instById.get(M);
  const acct = h.engine.accountsById.get(2);
  assert.ok(inst !== undefined && acct !== undefined);
  return [new WeakRef(inst), new WeakRef(acct), new WeakRef(h.engine)];
}

test('a dropped engine, its markets and accounts are collected after orders were placed', async () => {
  const refs = tradeAndDrop();
  for (let i = 0; i < 3 && refs.some((r) => r.deref() !== undefined); i++) {
    await tick(); // a WeakRef's target stays alive until the job that created it has ended
    gc();
  }
  assert.deepEqual(
    refs.map((r) => r.deref() === undefined),
    [true, true, true],
    'market, account, engine collected',
  );
});
