// A market's life through the Kalshi API: a trade shows up on `trade`, `ticker`, `market_positions`
// and in candlesticks; a pause and resume appear on `market_lifecycle_v2` and block orders meanwhile;
// a scheduled close is the market's `close_time` and a `close_date_updated` message;
// closing and settling YES finalise the market, pay the YES holder $1 a contract and produce Kalshi
// settlement records, with balances exact to the cent.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsSocket } from './support/docs-client.ts';
import {
  addTrader,
  errorCode,
  sdkFailure,
  startKalshiExchange,
  type Trader,
} from './support/kalshi-exchange.ts';

let ex: TestExchange;
let alice: Trader;
let bob: Trader;
let ws: DocsSocket;

const order = (over: Record<string, unknown>) => ({
  ticker: ex.market,
  side: 'bid' as const,
  count: '3',
  price: '0.55',
  time_in_force: 'good_till_canceled' as const,
  self_trade_prevention_type: 'taker_at_cross' as const,
  ...over,
});

const admin = (path: string, body: unknown) =>
  ex.admin.rest.request('POST', `/api/v1/admin/markets/${ex.market}${path}`, body);

const lifecycle = (type: string) => (m: Record<string, unknown>) =>
  m.type === 'market_lifecycle_v2' && (m.msg as { event_type: string }).event_type === type;

before(async () => {
  ex = await startKalshiExchange();
  alice = await addTrader(ex, 'alice', 100);
  bob = await addTrader(ex, 'bob', 100);
  ws = await DocsSocket.open(ex.baseUrl, alice.creds);
  const id = ws.send('subscribe', {
    channels: ['ticker', 'trade', 'market_lifecycle_v2', 'market_positions'],
    market_tickers: [ex.market],
    send_initial_snapshot: true,
  });
  await ws.waitFor(
    (m) => m.id === id && (m.msg as { channel: string }).channel === 'market_positions',
  );
});

after(async () => {
  ws?.close();
  await ex?.close();
});

test('a trade reaches trade, ticker, market_positions and candlesticks', async () => {
  const t0 = Math.floor(Date.now() / 1000);
  await alice.orders.createOrderV2(order({}));
  await bob.orders.createOrderV2(order({ side: 'ask' }));
  const trade = (await ws.waitFor((m) => m.type === 'trade')).msg as Record<string, unknown>;
  assert.deepEqual(
    [trade.market_ticker, trade.yes_price_dollars, trade.count_fp, trade.taker_book_side],
    [ex.market, '0.5500', '3.00', 'ask'],
  );
  const ticker = await ws.waitFor(
    (m) => m.type === 'ticker' && (m.msg as { price_dollars: string }).price_dollars === '0.5500',
  );
  const t = ticker.msg as Record<string, unknown>;
  assert.deepEqual(
    [t.open_interest_fp, t.last_trade_size_fp, t.volume_fp],
    ['3.00', '3.00', '3.00'],
  );
  const pos = await ws.waitFor((m) => m.type === 'market_position');
  assert.deepEqual(
    [
      (pos.msg as Record<string, unknown>).position_fp,
      (pos.msg as Record<string, unknown>).position_cost_dollars,
    ],
    ['3.00', '1.6500'],
  );
  const candles = (
    await bob.market.getMarketCandlesticks('TEST', ex.market, t0 - 3600, t0 + 3600, 1)
  ).data.candlesticks;
  assert.equal(candles.length, 1);
  assert.deepEqual(
    [candles[0]!.price.close_dollars, candles[0]!.price.high_dollars, candles[0]!.volume_fp],
    ['0.5500', '0.5500', '3.00'],
  );
  const market = (await bob.market.getMarket(ex.market)).data.market;
  assert.deepEqual(
    [market.last_price_dollars, market.volume_fp, market.open_interest_fp, market.volume_24h_fp],
    ['0.5500', '3.00', '3.00', '3.00'],
  );
  const books = (await bob.market.getMarketOrderbooks([ex.market, ex.market])).data.orderbooks;
  assert.deepEqual(
    books.map((b) => b.ticker),
    [ex.market, ex.market],
  );
  const series = (await bob.market.getSeries('TEST')).data.series;
  assert.equal(series.fee_type, 'quadratic');
  assert.equal(series.fee_multiplier, 1);
  assert.deepEqual(
    (await bob.market.getSeriesList()).data.series.map((s) => s.ticker),
    ['TEST'],
  );
  const events = (await bob.events.getEvents(10, undefined, true)).data;
  assert.deepEqual(
    events.events.map((e) => [e.event_ticker, e.markets?.map((m) => m.ticker)]),
    [['TEST-26', [ex.market]]],
  );
});

test('pause and resume: lifecycle messages, and no orders while paused', async () => {
  await admin('/status', { status: 'paused' });
  const paused = await ws.waitFor(lifecycle('deactivated'));
  assert.equal((paused.msg as { is_deactivated: boolean }).is_deactivated, true);
  assert.equal((await bob.market.getMarket(ex.market)).data.market.status, 'inactive');
  const r = await sdkFailure(alice.orders.createOrderV2(order({ price: '0.10' })));
  assert.deepEqual([r.status, errorCode(r.body)], [400, 'market_closed']);
  await admin('/status', { status: 'open' });
  await ws.waitFor(
    (m) =>
      lifecycle('deactivated')(m) &&
      (m.msg as { is_deactivated: boolean }).is_deactivated === false,
  );
  assert.equal((await bob.market.getMarket(ex.market)).data.market.status, 'active');
});

test('a scheduled close is the market’s close_time and a close_date_updated message', async () => {
  const closesAt = (Math.floor(Date.now() / 1000) + 86_400) * 1000;
  const schedule = (at: number | null) =>
    ex.admin.rest.request('PUT', `/api/v1/admin/markets/${ex.market}/schedule`, {
      opensAt: null,
      closesAt: at,
    });
  const closeUpdate = (ts: number) => (m: Record<string, unknown>) =>
    lifecycle('close_date_updated')(m) && (m.msg as { close_ts: number }).close_ts === ts;
  await schedule(closesAt);
  await ws.waitFor(closeUpdate(closesAt / 1000));
  const market = (await bob.market.getMarket(ex.market)).data.market;
  assert.deepEqual(
    [market.close_time, market.expiration_time, market.status],
    [new Date(closesAt).toISOString(), new Date(closesAt).toISOString(), 'active'],
  );
  // Cleared again: back to "no close scheduled".
  await schedule(null);
  await ws.waitFor(closeUpdate(Date.UTC(2099, 11, 31, 23, 59, 59) / 1000));
  assert.equal(
    (await bob.market.getMarket(ex.market)).data.market.close_time,
    '2099-12-31T23:59:59.000Z',
  );
});

test('close and settle YES: finalized market, settlements and balances to the cent', async () => {
  await admin('/status', { status: 'closed' });
  await ws.waitFor(lifecycle('close_date_updated'));
  await admin('/settle', { result: 'yes' });
  const determined = (await ws.waitFor(lifecycle('determined'))).msg as Record<string, unknown>;
  assert.deepEqual([determined.result, determined.settlement_value], ['yes', '1.0000']);
  await ws.waitFor(lifecycle('settled'));
  const market = (await bob.market.getMarket(ex.market)).data.market;
  assert.deepEqual(
    [market.status, market.result, market.settlement_value_dollars],
    ['finalized', 'yes', '1.0000'],
  );
  const settled = (
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
      'settled',
    )
  ).data.markets;
  assert.deepEqual(
    settled.map((m) => m.ticker),
    [ex.market],
  );
  const [as] = (await alice.portfolio.getSettlements()).data.settlements;
  const [bs] = (await bob.portfolio.getSettlements()).data.settlements;
  assert.deepEqual(
    [as!.market_result, as!.yes_count_fp, as!.yes_total_cost_dollars, as!.revenue, as!.value],
    ['yes', '3.00', '1.6500', 300, 100],
  );
  assert.deepEqual(
    [bs!.no_count_fp, bs!.no_total_cost_dollars, bs!.revenue],
    ['3.00', '1.3500', 0],
  );
  // Alice: 100 − 1.65 + 3.00. Bob: 100 − 1.35 − ceil(0.07 × 3 × 0.55 × 0.45) = $0.06 taker fee.
  assert.equal((await alice.portfolio.getBalance()).data.balance_dollars, '101.3500');
  assert.equal((await bob.portfolio.getBalance()).data.balance, 9_859);
});

test('exchange/status reports a halt from the engine', async () => {
  const read = async () =>
    (await (await fetch(`${ex.baseUrl}/trade-api/v2/exchange/status`)).json()) as {
      trading_active: boolean;
    };
  assert.equal((await read()).trading_active, true);
  await ex.admin.rest.request('POST', '/api/v1/admin/halt', { halted: true });
  assert.equal((await read()).trading_active, false);
  await ex.admin.rest.request('POST', '/api/v1/admin/halt', { halted: false });
  assert.equal((await read()).trading_active, true);
});
