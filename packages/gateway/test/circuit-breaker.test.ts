// Circuit breakers through the native API, end to end: an admin creates a market with a breaker (or
// sets one with `PUT /api/v1/admin/markets/{market}/circuit-breaker`); the market view carries it;
// limit prices outside its band are refused with PRICE_OUT_OF_BAND; a sweep that would move the price
// too far pauses the market (the sweep's rest cancelled with reason `circuitBreaker`), the market
// view and the ticker say it is paused by the breaker and when it reopens, and it reopens by itself
// with no other traffic; bad breakers and non-admins are refused and change nothing.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SocketClient } from '@bourse/client';
import type { MarketView } from '@bourse/protocol';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';

const HELD = 'CBHOLD-26-YES';
const QUICK = 'CBQUICK-26-YES';
const RULES = {
  moveTicks: 500,
  moveBps: 0,
  windowMs: 60_000,
  pauseMs: 3_600_000,
  bandTicks: 2_000,
};

let ex: TestExchange;
let maker: TestUser;
let taker: TestUser;

const binary = (symbol: string, extra: Record<string, unknown> = {}) => ({
  kind: 'binary',
  symbol,
  seriesTicker: 'CB',
  eventTicker: symbol.replace(/-YES$/, ''),
  title: symbol,
  settlementAssetId: 1,
  ...CENTS_BINARY_GRID,
  ...extra,
});

before(async () => {
  ex = await startTestExchange();
  maker = await ex.addUser('maker', 'trader', 1_000_000_000);
  taker = await ex.addUser('taker', 'trader', 1_000_000_000);
  await ex.admin.rest.request(
    'POST',
    '/api/v1/admin/markets',
    binary(HELD, { circuitBreaker: RULES, referencePriceTicks: 5_000 }),
  );
  await ex.admin.rest.request('POST', '/api/v1/admin/markets', binary(QUICK));
  for (const m of [HELD, QUICK]) {
    await ex.admin.rest.request('POST', `/api/v1/admin/markets/${m}/status`, { status: 'open' });
  }
});
after(() => ex.close());

const market = (symbol: string) =>
  ex.admin.rest.request<MarketView>('GET', `/api/v1/markets/${symbol}`);

const setBreaker = (symbol: string, body: unknown, as: TestUser = ex.admin) =>
  as.rest.request<{ seq: number }>('PUT', `/api/v1/admin/markets/${symbol}/circuit-breaker`, body);

async function eventually(what: string, done: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

/** Asks at 50¢ and 56¢, a trade at 50¢, then a sweep to 56¢ that the breaker stops. */
async function trip(symbol: string): Promise<number> {
  await maker.rest.placeOrder({ market: symbol, side: 'sell', priceTicks: 5_000, qtyLots: 200 });
  await maker.rest.placeOrder({ market: symbol, side: 'sell', priceTicks: 5_600, qtyLots: 100 });
  await taker.rest.placeOrder({ market: symbol, side: 'buy', priceTicks: 5_000, qtyLots: 100 });
  const sweep = await taker.rest.placeOrder({
    market: symbol,
    side: 'buy',
    priceTicks: 5_600,
    qtyLots: 200,
  });
  return sweep.orderId;
}

test('a market created with a breaker: band refusals, a trip, the pause shown, an early reopening', async () => {
  const ws = await SocketClient.connect(taker.rest);
  const tickers: Record<string, unknown>[] = [];
  ws.onMessage = (m) => {
    if (m.channel === 'ticker' && m.market === HELD) tickers.push(m as Record<string, unknown>);
  };
  await ws.subscribe('ticker', HELD);

  const listed = await market(HELD);
  assert.deepEqual(listed.circuitBreaker, { config: RULES, referencePriceTicks: 5_000 });
  assert.deepEqual([listed.pausedByBreaker, listed.reopensAt], [false, null]);
  assert.deepEqual(
    await refusal(
      taker.rest.placeOrder({ market: HELD, side: 'buy', priceTicks: 7_100, qtyLots: 100 }),
    ),
    { status: 400, code: 'PRICE_OUT_OF_BAND' },
  );

  const sweep = await trip(HELD);
  const order = await taker.rest.order(sweep);
  assert.deepEqual(
    [order.status, order.cancelReason, order.filledQtyLots],
    ['cancelled', 'circuitBreaker', 100],
  );
  const paused = await market(HELD);
  assert.equal(paused.status, 'paused');
  assert.equal(paused.pausedByBreaker, true);
  assert.ok(paused.reopensAt !== null && paused.reopensAt > Date.now() + 3_000_000);
  assert.deepEqual(
    await refusal(
      taker.rest.placeOrder({ market: HELD, side: 'buy', priceTicks: 5_000, qtyLots: 100 }),
    ),
    { status: 409, code: 'MARKET_NOT_OPEN' },
  );
  await eventually('the ticker said so', async () =>
    tickers.some((t) => t.status === 'paused' && t.pausedByBreaker === true),
  );
  const pushed = tickers.find((t) => t.pausedByBreaker === true)!;
  assert.equal(pushed.reopensAt, paused.reopensAt);

  // An operator reopens it early: the band is re-centred on the last trade (one-sided book).
  await ex.admin.rest.request('POST', `/api/v1/admin/markets/${HELD}/status`, { status: 'open' });
  const reopened = await market(HELD);
  assert.deepEqual(
    [reopened.status, reopened.pausedByBreaker, reopened.reopensAt],
    ['open', false, null],
  );
  assert.equal(reopened.circuitBreaker?.referencePriceTicks, 5_000);
  await eventually('the ticker said so', async () => tickers.at(-1)?.status === 'open');
  assert.equal(tickers.at(-1)?.pausedByBreaker, false);
  ws.close();
});

test('a breaker set on a listed market pauses it and it reopens by itself', async () => {
  await setBreaker(QUICK, { breaker: { ...RULES, bandTicks: 0, pauseMs: 300 } });
  assert.deepEqual((await market(QUICK)).circuitBreaker, {
    config: { ...RULES, bandTicks: 0, pauseMs: 300 },
    referencePriceTicks: null,
  });
  const sweep = await trip(QUICK);
  assert.equal((await taker.rest.order(sweep)).cancelReason, 'circuitBreaker');
  await eventually('the market reopened', async () => (await market(QUICK)).status === 'open');
  const ack = await taker.rest.placeOrder({
    market: QUICK,
    side: 'buy',
    priceTicks: 5_600,
    qtyLots: 100,
  });
  assert.equal(ack.status, 'filled');
  await setBreaker(QUICK, { breaker: null });
  assert.equal((await market(QUICK)).circuitBreaker, null);
});

test('bad breakers and non-admins are refused and change nothing', async () => {
  const before = (await ex.gateway.services.core.query.stateHash()).hash;
  const cases: [string, () => Promise<unknown>, number, string][] = [
    [
      'no rule on',
      () => setBreaker(ex.market, { breaker: { ...RULES, moveTicks: 0, bandTicks: 0 } }),
      400,
      'INVALID_FIELD',
    ],
    [
      'a reference off the grid',
      () => setBreaker(ex.market, { breaker: RULES, referencePriceTicks: 5_050 }),
      400,
      'INVALID_FIELD',
    ],
    [
      'a pause over a day',
      () => setBreaker(ex.market, { breaker: { ...RULES, pauseMs: 86_400_001 } }),
      400,
      'VALIDATION_FAILED',
    ],
    ['a trader', () => setBreaker(ex.market, { breaker: RULES }, taker), 403, 'FORBIDDEN'],
    [
      'a new market with a bad breaker',
      () =>
        ex.admin.rest.request(
          'POST',
          '/api/v1/admin/markets',
          binary('CBBAD-26-YES', { circuitBreaker: { ...RULES, moveTicks: 0, bandTicks: 0 } }),
        ),
      400,
      'VALIDATION_FAILED',
    ],
  ];
  for (const [what, call, status, code] of cases) {
    assert.deepEqual(await refusal(call()), { status, code }, what);
  }
  assert.equal((await ex.gateway.services.core.query.stateHash()).hash, before);
  await assert.rejects(market('CBBAD-26-YES'));
});
