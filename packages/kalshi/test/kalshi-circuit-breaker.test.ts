// A circuit breaker's pause through the Kalshi API: Kalshi clients see a market its breaker paused
// as Kalshi shows a paused market (`status: inactive`, listed under `?status=paused`, a
// `market_lifecycle_v2` deactivation), their orders are refused meanwhile, and the sweep that would
// have tripped it is `canceled`; when the operator reopens it, it is `active` again.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsSocket } from './support/docs-client.ts';
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
let ws: DocsSocket;

const deactivated = (flag: boolean) => (m: Record<string, unknown>) =>
  m.type === 'market_lifecycle_v2' &&
  (m.msg as { event_type: string }).event_type === 'deactivated' &&
  (m.msg as { is_deactivated: boolean }).is_deactivated === flag;

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
  bob = await addTrader(ex, 'bob', 100);
  ws = await DocsSocket.open(ex.baseUrl, alice.creds);
  const id = ws.send('subscribe', {
    channels: ['market_lifecycle_v2'],
    market_tickers: [ex.market],
  });
  await ws.waitFor((m) => m.id === id);
  await ex.admin.rest.request('PUT', `/api/v1/admin/markets/${ex.market}/circuit-breaker`, {
    breaker: { moveTicks: 500, moveBps: 0, windowMs: 60_000, pauseMs: 3_600_000, bandTicks: 0 },
  });
});

after(async () => {
  ws?.close();
  await ex?.close();
});

const pausedMarkets = async () =>
  (
    await bob.market.getMarkets(
      100,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'paused',
    )
  ).data.markets.map((m) => m.ticker);

test('a tripped market is paused for Kalshi clients until it reopens', async () => {
  const ask = (price: string, count: string) =>
    alice.orders.createOrderV2(kalshiOrder(ex.market, { side: 'ask', price, count }));
  await ask('0.50', '2');
  await ask('0.56', '1');
  await bob.orders.createOrderV2(kalshiOrder(ex.market, { price: '0.50' }));
  // A move from 50¢ to 56¢ is more than the breaker's 5¢: the second contract does not trade.
  const sweep = (
    await bob.orders.createOrderV2(kalshiOrder(ex.market, { price: '0.56', count: '2' }))
  ).data.order_id;
  const order = (await bob.orders.getOrder(sweep)).data.order;
  assert.deepEqual([order.status, order.fill_count_fp], ['canceled', '1.00']);

  await ws.waitFor(deactivated(true));
  assert.equal((await bob.market.getMarket(ex.market)).data.market.status, 'inactive');
  assert.deepEqual(await pausedMarkets(), [ex.market]);
  const refused = await sdkFailure(
    bob.orders.createOrderV2(kalshiOrder(ex.market, { price: '0.50' })),
  );
  assert.deepEqual([refused.status, errorCode(refused.body)], [400, 'market_closed']);

  await ex.admin.rest.request('POST', `/api/v1/admin/markets/${ex.market}/status`, {
    status: 'open',
  });
  await ws.waitFor(deactivated(false));
  assert.equal((await bob.market.getMarket(ex.market)).data.market.status, 'active');
  assert.deepEqual(await pausedMarkets(), []);
});
