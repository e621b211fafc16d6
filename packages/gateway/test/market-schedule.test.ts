// Market schedules through the native API, end to end: an admin schedules a listed market to open
// and close by itself (`PUT /api/v1/admin/markets/{market}/schedule`); the market views carry the
// times; the market opens and then closes on time with no other traffic (resting orders cancelled,
// the status pushed on the ticker channel); bad schedules and non-admins are refused with stable
// codes and change nothing.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SocketClient } from '@bourse/client';
import { refusal } from './support/refusal.ts';
import {
  listBinaryMarket,
  openBinaryMarket,
  startTestExchange,
  type TestExchange,
} from './support/test-exchange.ts';

const LATER = 'SCHED-26-YES';

let ex: TestExchange;

before(async () => {
  ex = await startTestExchange();
  await listBinaryMarket(ex.admin, LATER, 'Scheduled market');
});
after(() => ex.close());

interface MarketView {
  status: string;
  opensAt: number | null;
  closesAt: number | null;
}

const market = (symbol: string) =>
  ex.admin.rest.request<MarketView>('GET', `/api/v1/markets/${symbol}`);

const schedule = (symbol: string, opensAt: number | null, closesAt: number | null) =>
  ex.admin.rest.request<{ seq: number }>('PUT', `/api/v1/admin/markets/${symbol}/schedule`, {
    opensAt,
    closesAt,
  });

async function eventually(what: string, done: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

test('a scheduled market opens and closes on time by itself', async () => {
  const trader = await ex.addUser('tara', 'trader', 1_000_000_000);
  const ws = await SocketClient.connect(trader.rest);
  const statuses: string[] = [];
  ws.onMessage = (m) => {
    if (m.channel === 'ticker' && m.market === LATER && typeof m.status === 'string') {
      if (statuses.at(-1) !== m.status) statuses.push(m.status);
    }
  };
  await ws.subscribe('ticker', LATER);

  const opensAt = Date.now() + 300;
  const closesAt = opensAt + 500;
  await schedule(LATER, opensAt, closesAt);
  assert.deepEqual(
    (({ status, opensAt: o, closesAt: c }) => ({ status, o, c }))(await market(LATER)),
    { status: 'created', o: opensAt, c: closesAt },
  );
  await assert.rejects(
    trader.rest.placeOrder({ market: LATER, side: 'buy', priceTicks: 4_000, qtyLots: 100 }),
    { code: 'MARKET_NOT_OPEN' },
  );

  await eventually('the market opened', async () => (await market(LATER)).status === 'open');
  const opened = await market(LATER);
  assert.deepEqual([opened.opensAt, opened.closesAt], [null, closesAt]);
  const ack = await trader.rest.placeOrder({
    market: LATER,
    side: 'buy',
    priceTicks: 4_000,
    qtyLots: 100,
  });
  assert.equal(ack.status, 'resting');

  await eventually('the market closed', async () => (await market(LATER)).status === 'closed');
  assert.ok(Date.now() >= closesAt);
  const order = await trader.rest.order(ack.orderId);
  assert.deepEqual([order.status, order.cancelReason], ['cancelled', 'marketClosed']);
  assert.deepEqual((await market(LATER)).closesAt, null);
  await eventually('the ticker said so', async () => statuses.at(-1) === 'closed');
  assert.deepEqual(statuses.slice(-2), ['open', 'closed']);
  ws.close();
});

test('bad schedules and non-admins are refused and change nothing', async () => {
  const trader = await ex.addUser('ned', 'trader');
  const before = await ex.gateway.services.core.query.stateHash();
  const past = Date.now() - 1_000;
  const cases: [string, () => Promise<unknown>, number, string][] = [
    ['a closing in the past', () => schedule(ex.market, null, past), 400, 'SCHEDULE_IN_PAST'],
    [
      'an opening of an open market',
      () => schedule(ex.market, Date.now() + 60_000, null),
      409,
      'INVALID_STATE',
    ],
    [
      'a closing before the opening',
      () => schedule(ex.market, Date.now() + 60_000, Date.now() + 30_000),
      400,
      'INVALID_FIELD',
    ],
    [
      'a missing field',
      () =>
        ex.admin.rest.request('PUT', `/api/v1/admin/markets/${ex.market}/schedule`, {
          closesAt: null,
        }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a time as text',
      () =>
        ex.admin.rest.request('PUT', `/api/v1/admin/markets/${ex.market}/schedule`, {
          opensAt: null,
          closesAt: 'tomorrow',
        }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an unknown market',
      () => schedule('NOPE-26', null, Date.now() + 60_000),
      404,
      'MARKET_NOT_FOUND',
    ],
  ];
  cases.push([
    'a trader',
    () =>
      trader.rest.request('PUT', `/api/v1/admin/markets/${ex.market}/schedule`, {
        opensAt: null,
        closesAt: Date.now() + 60_000,
      }),
    403,
    'FORBIDDEN',
  ]);
  for (const [name, call, status, code] of cases) {
    assert.deepEqual({ name, ...(await refusal(call())) }, { name, status, code });
  }
  assert.equal((await ex.gateway.services.core.query.stateHash()).hash, before.hash);
  // Clearing a schedule that was never set is allowed and leaves the market as it was.
  await schedule(ex.market, null, null);
  assert.equal((await market(ex.market)).status, 'open');
});

test('a schedule set and then cleared does nothing when its time comes', async () => {
  await openBinaryMarket(ex.admin, 'KEEP-26-YES', 'Kept open');
  await schedule('KEEP-26-YES', null, Date.now() + 200);
  await schedule('KEEP-26-YES', null, null);
  await sleep(400);
  const kept = await market('KEEP-26-YES');
  assert.deepEqual([kept.status, kept.closesAt], ['open', null]);
});

test('an INVALID_FIELD answer names the field and the rule', async () => {
  const res = await fetch(`${ex.baseUrl}/api/v1/admin/markets/${ex.market}/schedule`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/json',
      ...ex.admin.rest.authHeaders('PUT', `/api/v1/admin/markets/${ex.market}/schedule`),
    },
    body: JSON.stringify({ opensAt: Date.now() + 60_000, closesAt: Date.now() + 30_000 }),
  });
  assert.equal(res.status, 400);
  const body = (await res.json()) as {
    error: { code: string; message: string; details: { field: string; rule: string } };
  };
  assert.equal(body.error.code, 'INVALID_FIELD');
  assert.deepEqual(body.error.details, { field: 'closesAt', rule: 'after opensAt' });
  assert.equal(body.error.message, 'closesAt must be after opensAt.');
});
