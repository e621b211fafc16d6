// What a market is, as admins write it: series and event titles, rules, resolution source and expected
// settlement time, returned with every market listing and on the event's own endpoint (every market of
// the event with its prices); fields left out keep what was written; bad input is refused and changes
// nothing; only admins write.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';
import { CENTS_BINARY_GRID } from '@bourse/engine';

let ex: TestExchange;
let alice: TestUser;
const SETTLES = Date.UTC(2026, 11, 31, 18);

before(async () => {
  ex = await startTestExchange();
  alice = await ex.addUser('alice', 'trader', 100_000_000);
  // A second market of the same event (TEST-26).
  await ex.admin.rest.request('POST', '/api/v1/admin/markets', {
    kind: 'binary',
    symbol: 'TEST-26-B',
    seriesTicker: 'TEST',
    eventTicker: 'TEST-26',
    title: 'Second market of the event',
    settlementAssetId: 1,
    ...CENTS_BINARY_GRID,
  });
  await ex.admin.rest.request('POST', '/api/v1/admin/markets/TEST-26-B/status', { status: 'open' });
});
after(() => ex.close());

interface Info {
  seriesTitle: string | null;
  eventTitle: string | null;
  rulesPrimary: string;
  rulesSecondary: string;
  resolutionSource: string;
  settlesAt: number | null;
}

test('a market without text says so plainly', async () => {
  const m = await alice.rest.request<{ info: Info }>('GET', `/api/v1/markets/${ex.market}`);
  assert.deepEqual(m.info, {
    seriesTitle: null,
    eventTitle: null,
    rulesPrimary: '',
    rulesSecondary: '',
    resolutionSource: '',
    settlesAt: null,
  });
});

test('admins write titles and rules; listings, the market and its event return them', async () => {
  const admin = ex.admin.rest;
  await admin.request('PUT', '/api/v1/admin/series/TEST/title', { title: 'Test series' });
  await admin.request('PUT', '/api/v1/admin/events/TEST-26/title', {
    title: 'Will it test in 2026?',
  });
  await admin.request('PUT', `/api/v1/admin/markets/${ex.market}/info`, {
    rulesPrimary: 'Resolves YES if the test passes.',
    resolutionSource: 'The CI log',
    settlesAt: SETTLES,
  });
  // A later write of one field keeps the others.
  const info = await admin.request<Info>('PUT', `/api/v1/admin/markets/${ex.market}/info`, {
    rulesSecondary: 'A flaky run counts as NO.',
  });
  const expected: Info = {
    seriesTitle: 'Test series',
    eventTitle: 'Will it test in 2026?',
    rulesPrimary: 'Resolves YES if the test passes.',
    rulesSecondary: 'A flaky run counts as NO.',
    resolutionSource: 'The CI log',
    settlesAt: SETTLES,
  };
  assert.deepEqual(info, expected);
  const list = await alice.rest.request<{ items: { market: string; info: Info }[] }>(
    'GET',
    '/api/v1/markets',
  );
  assert.deepEqual(list.items.find((m) => m.market === ex.market)?.info, expected);
  await alice.rest.placeOrder({
    market: 'TEST-26-B',
    side: 'buy',
    priceTicks: 3_000,
    qtyLots: 100,
  });
  const event = await alice.rest.request<{
    title: string;
    seriesTitle: string;
    markets: { market: string; bestBidTicks: number | null; info: Info }[];
  }>('GET', '/api/v1/events/TEST-26');
  assert.deepEqual([event.title, event.seriesTitle], ['Will it test in 2026?', 'Test series']);
  assert.deepEqual(
    event.markets.map((m) => [m.market, m.bestBidTicks]).sort(),
    [
      ['TEST-26-B', 3_000],
      [ex.market, null],
    ].sort(),
  );
  assert.equal(
    event.markets.find((m) => m.market === 'TEST-26-B')?.info.eventTitle,
    expected.eventTitle,
  );
  // A settlement time can be withdrawn again.
  const cleared = await admin.request<Info>('PUT', `/api/v1/admin/markets/${ex.market}/info`, {
    settlesAt: null,
  });
  assert.equal(cleared.settlesAt, null);
  assert.equal(cleared.rulesPrimary, expected.rulesPrimary);
});

test('refusals: bad fields, unknown market or event, and non-admins', async () => {
  const admin = ex.admin.rest;
  const path = `/api/v1/admin/markets/${ex.market}/info`;
  const before = await alice.rest.request<{ info: Info }>('GET', `/api/v1/markets/${ex.market}`);
  for (const body of [{ settlesAt: -5 }, { rulesPrimary: 7 }, { colour: 'red' }]) {
    assert.equal(
      (await refusal(admin.request('PUT', path, body))).status,
      400,
      JSON.stringify(body),
    );
  }
  assert.equal(
    (await refusal(admin.request('PUT', '/api/v1/admin/series/TEST/title', { title: '' }))).status,
    400,
  );
  assert.deepEqual(await refusal(admin.request('PUT', '/api/v1/admin/markets/NOPE/info', {})), {
    status: 404,
    code: 'MARKET_NOT_FOUND',
  });
  assert.equal((await refusal(alice.rest.request('GET', '/api/v1/events/NOPE-1'))).status, 404);
  assert.equal(
    (await refusal(alice.rest.request('PUT', path, { rulesPrimary: 'mine' }))).status,
    403,
  );
  const after = await alice.rest.request<{ info: Info }>('GET', `/api/v1/markets/${ex.market}`);
  assert.deepEqual(after.info, before.info);
});
