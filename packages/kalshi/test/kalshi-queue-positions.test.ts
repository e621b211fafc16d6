// Queue positions and the total resting order value through the official SDK (`getOrderQueuePosition`,
// `getOrderQueuePositions`, `getPortfolioRestingOrderTotalValue`) against a real server: two members
// rest bids at one price; each sees the contracts ahead of its own orders; a fill at the front moves
// the later orders forward; another member's order and unknown ids are 404 `order_not_found`; a
// filled or canceled order is 400 `order_not_resting`; the total is count × the price of the side
// each order buys (YES for a bid, NO for an ask) in cents.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import {
  addTrader,
  errorCode,
  kalshiOrder,
  sdkFailure,
  startKalshiExchange,
  type Trader,
} from './support/kalshi-exchange.ts';

let ex: TestExchange;
let alice: Trader;
let bob: Trader;
let carol: Trader;

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
  bob = await addTrader(ex, 'bob', 100);
  carol = await addTrader(ex, 'carol', 100);
});
after(() => ex?.close());

const place = async (t: Trader, over: Record<string, unknown>) =>
  (await t.orders.createOrderV2(kalshiOrder(ex.market, over))).data.order_id;

/** The SDK's model has only `queue_position_fp`; the legacy integer travels beside it. */
async function position(t: Trader, orderId: string) {
  const data = (await t.orders.getOrderQueuePosition(orderId)).data as {
    queue_position?: number;
    queue_position_fp: string;
  };
  return [data.queue_position, data.queue_position_fp];
}

async function positions(t: Trader, tickers?: string, event?: string) {
  return (await t.orders.getOrderQueuePositions(tickers, event)).data.queue_positions.map((q) => {
    const legacy = (q as { queue_position?: number }).queue_position;
    return [q.order_id, q.market_ticker, legacy, q.queue_position_fp];
  });
}

async function failure(call: Promise<unknown>) {
  const { status, body } = await sdkFailure(call);
  return [status, errorCode(body)];
}

const totalValue = async (t: Trader) =>
  (await t.portfolio.getPortfolioRestingOrderTotalValue()).data;

test('queue positions of two members at one price, before and after fills at the front', async () => {
  const a1 = await place(alice, { count: '3', price: '0.40' });
  const b1 = await place(bob, { count: '2', price: '0.40' });
  const a2 = await place(alice, { count: '1', price: '0.40' });
  const a3 = await place(alice, { side: 'ask', count: '1', price: '0.60' });

  assert.deepEqual(await position(alice, a1), [0, '0.00']);
  assert.deepEqual(await position(bob, b1), [3, '3.00']);
  assert.deepEqual(await position(alice, a2), [5, '5.00']);
  assert.deepEqual(await position(alice, a3), [0, '0.00']);
  assert.deepEqual(await positions(alice), [
    [a1, ex.market, 0, '0.00'],
    [a2, ex.market, 5, '5.00'],
    [a3, ex.market, 0, '0.00'],
  ]);
  assert.deepEqual(await positions(bob, ex.market), [[b1, ex.market, 3, '3.00']]);
  assert.deepEqual(await positions(bob, `OTHER,${ex.market}`, 'TEST-26'), [
    [b1, ex.market, 3, '3.00'],
  ]);
  assert.deepEqual(await positions(bob, 'OTHER'), []);
  assert.deepEqual(await positions(bob, undefined, 'NOPE'), []);

  // Another member's order is answered like an unknown one.
  assert.deepEqual(await failure(bob.orders.getOrderQueuePosition(a1)), [404, 'order_not_found']);
  assert.deepEqual(await failure(bob.orders.getOrderQueuePosition('999999')), [
    404,
    'order_not_found',
  ]);
  assert.deepEqual(await failure(bob.orders.getOrderQueuePosition('abc')), [
    404,
    'order_not_found',
  ]);

  // Carol sells 3 at $0.40: A1 (the front) is executed; B1 and A2 move up 3 contracts.
  await place(carol, {
    side: 'ask',
    count: '3',
    price: '0.40',
    time_in_force: 'immediate_or_cancel',
  });
  assert.deepEqual(await position(bob, b1), [0, '0.00']);
  assert.deepEqual(await position(alice, a2), [2, '2.00']);
  assert.deepEqual(await failure(alice.orders.getOrderQueuePosition(a1)), [
    400,
    'order_not_resting',
  ]);
  assert.deepEqual(await failure(bob.orders.getOrderQueuePosition(a1)), [404, 'order_not_found']);

  // One more from Carol takes half of B1, still at the front; A2 has one contract ahead.
  await place(carol, {
    side: 'ask',
    count: '1',
    price: '0.40',
    time_in_force: 'immediate_or_cancel',
  });
  assert.deepEqual(await position(bob, b1), [0, '0.00']);
  assert.deepEqual(await position(alice, a2), [1, '1.00']);

  // Canceled: not resting, and gone from the list.
  await alice.orders.cancelOrderV2(a3);
  assert.deepEqual(await failure(alice.orders.getOrderQueuePosition(a3)), [
    400,
    'order_not_resting',
  ]);
  assert.deepEqual(await positions(alice), [[a2, ex.market, 1, '1.00']]);
  assert.deepEqual(await failure(alice.orders.getOrderQueuePositions(undefined, undefined, 1)), [
    400,
    'invalid_parameters',
  ]);
  await alice.orders.cancelOrderV2(a2);
  await bob.orders.cancelOrderV2(b1);
});

test('total resting order value: count × the price of the side each order buys, in cents', async () => {
  assert.deepEqual(await totalValue(alice), {
    total_resting_order_value: 0,
    resting_order_value_breakdown: [{ exchange_index: 0, balance: '0.0000' }],
  });
  // Bids pay the YES price; an ask buys NO at 1 − the YES price.
  const bid = await place(alice, { count: '3', price: '0.40' });
  await place(alice, { count: '2', price: '0.07' });
  await place(alice, { side: 'ask', count: '5', price: '0.75' });
  // 3 × 40¢ + 2 × 7¢ + 5 × 25¢ = 120 + 14 + 125 = 259¢.
  assert.deepEqual(await totalValue(alice), {
    total_resting_order_value: 259,
    resting_order_value_breakdown: [{ exchange_index: 0, balance: '2.5900' }],
  });
  assert.equal((await totalValue(bob)).total_resting_order_value, 0, 'only the member’s orders');

  // A partial fill leaves the remaining count: Bob sells 1 into the 40¢ bid.
  await place(bob, {
    side: 'ask',
    count: '1',
    price: '0.40',
    time_in_force: 'immediate_or_cancel',
  });
  assert.equal((await totalValue(alice)).total_resting_order_value, 259 - 40);
  await alice.orders.cancelOrderV2(bid);
  assert.equal((await totalValue(alice)).total_resting_order_value, 259 - 120);
});
