// Behaviours the engine does not have yet, written as the tests they should pass and marked `todo`
// (node:test runs them and reports the result without failing the suite). Remove the marker when the
// engine is fixed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectSound } from './support/expect.ts';
import { binarySpec, DOLLAR, fills, Harness } from './support/harness.ts';

const M = 10;

test('a reduce-only order whose position was netted away by another order cannot open a position', {
  todo: 'netting converts its position reservation to cash (matching.ts rebalanceReservations)',
}, () => {
  const h = new Harness().setup([1, 2, 3], 100 * DOLLAR).market(binarySpec(M));
  const lim = (accountId: number, side: 'buy' | 'sell', priceTicks: number, extra = {}) =>
    h.place({
      accountId,
      instrumentId: M,
      side,
      orderType: 'limit',
      priceTicks,
      qtyLots: 300,
      tif: 'gtc',
      ...extra,
    });
  lim(1, 'buy', 5000);
  lim(2, 'sell', 5000);
  // Account 1 holds 300 YES and offers them reduce-only at 60¢.
  const reduce = lim(1, 'sell', 6000, { reduceOnly: true }).orderId;
  // It sells the same 300 YES elsewhere with an ordinary order.
  lim(3, 'buy', 5000);
  lim(1, 'sell', 5000, { tif: 'ioc' });
  assert.equal(h.lots(1, M), 0);
  // The reduce-only order has nothing left to reduce: it must not trade into a NO position.
  const { events } = lim(3, 'buy', 6000, { tif: 'ioc' });
  assert.deepEqual(
    fills(events).filter((f) => f.maker === reduce),
    [],
  );
  assert.equal(h.lots(1, M), 0);
  expectSound(h);
});
