// Legacy `/portfolio/orders` market orders and `buy_max_cost`, from a client written from Kalshi's docs:
// a market order takes what the book offers and never rests; `buy_max_cost` makes the order
// fill-or-kill with a cap on what the contracts cost (fees apart) — the YES price when buying YES,
// the NO price when buying NO; a cap one cent short kills the order (400
// `fill_or_kill_not_fillable`, as for any fill-or-kill order) and changes nothing. Bad
// combinations get 400 `invalid_parameters` and leave the state hash as it was.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsRestClient } from './support/docs-client.ts';
import {
  addTrader,
  errorCode,
  startKalshiExchange,
  type Trader,
} from './support/kalshi-exchange.ts';

let ex: TestExchange;
let alice: Trader;
let bob: Trader;
let asAlice: DocsRestClient;
let asBob: DocsRestClient;

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
  bob = await addTrader(ex, 'bob', 100);
  asAlice = new DocsRestClient(ex.baseUrl, alice.creds);
  asBob = new DocsRestClient(ex.baseUrl, bob.creds);
});

after(() => ex?.close());

const stateHash = async () => (await ex.gateway.services.core.query.stateHash()).hash;

type Order = Record<string, unknown>;

async function legacy(who: DocsRestClient, body: Record<string, unknown>) {
  return who.request('POST', '/portfolio/orders', { ticker: ex.market, ...body });
}

async function placed(who: DocsRestClient, body: Record<string, unknown>): Promise<Order> {
  const r = await legacy(who, body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return (r.body as { order: Order }).order;
}

/** Bob offers one YES contract at each price (selling YES he does not hold opens NO). */
async function offerYes(...cents: number[]) {
  for (const yes_price of cents) {
    await placed(asBob, { action: 'sell', side: 'yes', yes_price, count: 1 });
  }
}

const yesAsks = async () =>
  (await alice.market.getMarketOrderbook(ex.market)).data.orderbook_fp.no_dollars;

test('buy_max_cost buys every contract within the cap or none (fill-or-kill)', async () => {
  await offerYes(40, 50, 60);
  const before = await stateHash();
  // 40¢ + 50¢ = 90¢: one cent less kills the order and nothing changes.
  const short = await legacy(asAlice, {
    type: 'market',
    action: 'buy',
    side: 'yes',
    count: 2,
    buy_max_cost: 89,
  });
  assert.deepEqual([short.status, errorCode(short.body)], [400, 'fill_or_kill_not_fillable']);
  assert.equal(await stateHash(), before);

  const o = await placed(asAlice, {
    type: 'market',
    action: 'buy',
    side: 'yes',
    count: 2,
    buy_max_cost: 90,
  });
  assert.deepEqual(
    [o.type, o.status, o.fill_count_fp, o.remaining_count_fp, o.taker_fill_cost_dollars],
    ['market', 'executed', '2.00', '0.00', '0.9000'],
  );
  assert.equal((await yesAsks()).length, 1, 'the 60¢ offer is left');

  // A limit order with buy_max_cost is fill-or-kill too, at its price and within the cap.
  const limitShort = await legacy(asAlice, {
    action: 'buy',
    side: 'yes',
    yes_price: 60,
    count: 1,
    buy_max_cost: 59,
  });
  assert.equal(errorCode(limitShort.body), 'fill_or_kill_not_fillable');
  const limit = await placed(asAlice, {
    action: 'buy',
    side: 'yes',
    yes_price: 60,
    count: 1,
    buy_max_cost: 60,
  });
  assert.deepEqual([limit.type, limit.status, limit.fill_count_fp], ['limit', 'executed', '1.00']);
});

test('buying NO is capped at the NO price', async () => {
  // Bob bids 30¢ for YES: NO sells at 70¢.
  await placed(asBob, { action: 'buy', side: 'yes', yes_price: 30, count: 1 });
  const short = await legacy(asAlice, {
    type: 'market',
    action: 'buy',
    side: 'no',
    count: 1,
    buy_max_cost: 69,
  });
  assert.equal(errorCode(short.body), 'fill_or_kill_not_fillable');
  const o = await placed(asAlice, {
    type: 'market',
    action: 'buy',
    side: 'no',
    count: 1,
    buy_max_cost: 70,
  });
  assert.deepEqual(
    [o.status, o.outcome_side, o.fill_count_fp, o.taker_fill_cost_dollars],
    ['executed', 'no', '1.00', '0.7000'],
  );
});

test('a market order takes what there is and never rests; a price is its worst', async () => {
  await offerYes(60);
  const worst = await placed(asAlice, {
    type: 'market',
    action: 'buy',
    side: 'yes',
    yes_price: 55,
    count: 1,
  });
  assert.deepEqual([worst.status, worst.fill_count_fp], ['canceled', '0.00']);
  const o = await placed(asAlice, { type: 'market', action: 'buy', side: 'yes', count: 3 });
  assert.deepEqual(
    [o.type, o.status, o.fill_count_fp, o.remaining_count_fp],
    ['market', 'canceled', '1.00', '0.00'],
  );
  assert.deepEqual(await yesAsks(), []);
  const open = (await alice.orders.getOrders(ex.market, undefined, undefined, undefined, 'resting'))
    .data.orders;
  assert.deepEqual(open, []);
});

test('buy_max_cost and market orders refuse what they cannot mean, changing nothing', async () => {
  await offerYes(45);
  const before = await stateHash();
  const buy = { action: 'buy', side: 'yes', count: 1 };
  const cases: [string, Record<string, unknown>][] = [
    ['a sell spends nothing', { ...buy, action: 'sell', yes_price: 45, buy_max_cost: 50 }],
    ['zero cents', { ...buy, type: 'market', buy_max_cost: 0 }],
    ['fractional cents', { ...buy, type: 'market', buy_max_cost: 50.5 }],
    ['a string', { ...buy, type: 'market', buy_max_cost: '50' }],
    ['an unknown type', { ...buy, yes_price: 45, type: 'stop' }],
    ['a resting market order', { ...buy, type: 'market', time_in_force: 'good_till_canceled' }],
    ['a market order with expiry', { ...buy, type: 'market', expiration_ts: 4_000_000_000 }],
  ];
  for (const [name, body] of cases) {
    const r = await legacy(asAlice, body);
    assert.deepEqual(
      { name, status: r.status, code: errorCode(r.body) },
      { name, status: 400, code: 'invalid_parameters' },
    );
  }
  assert.equal(await stateHash(), before);
});
