// The gateway judges a price by the engine's grid rule: a market's prices are its minimum plus whole
// ticks, so on tick 100 from 50 the gateway takes 150 and refuses 200 (which the engine would refuse),
// when an order is placed and when it is amended.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';

const SYMBOL = 'OFFSET-26-YES';
let ex: TestExchange;
let alice: TestUser;

before(async () => {
  ex = await startTestExchange();
  alice = await ex.addUser('alice', 'trader', 100_000_000);
  await ex.admin.rest.request('POST', '/api/v1/admin/markets', {
    kind: 'binary',
    symbol: SYMBOL,
    seriesTicker: 'OFFSET',
    eventTicker: 'OFFSET-26',
    title: 'A grid that starts half a tick in',
    settlementAssetId: 1,
    payoutTicks: 10_000,
    lotsPerContract: 100,
    tickSize: 100,
    minPriceTicks: 50,
    maxPriceTicks: 9_950,
    lotSize: 100,
    moneyPerTickLot: 1,
    fees: { kind: 'none' },
  });
  await ex.admin.rest.request('POST', `/api/v1/admin/markets/${SYMBOL}/status`, { status: 'open' });
});
after(() => ex.close());

test('tick 100 from 50: 150 is on the grid, 200 is not', async () => {
  const placed = await alice.rest.placeOrder({
    market: SYMBOL,
    side: 'buy',
    priceTicks: 150,
    qtyLots: 100,
  });
  assert.equal(placed.status, 'resting');
  const off = await refusal(
    alice.rest.placeOrder({ market: SYMBOL, side: 'buy', priceTicks: 200, qtyLots: 100 }),
  );
  assert.deepEqual(off, { status: 400, code: 'PRICE_OFF_GRID' });
  await alice.rest.amendOrder(placed.orderId, { priceTicks: 250 });
  const amendOff = await refusal(alice.rest.amendOrder(placed.orderId, { priceTicks: 300 }));
  assert.deepEqual(amendOff, { status: 400, code: 'PRICE_OFF_GRID' });
});
