// What admins write about a market reaches Kalshi clients in Kalshi's fields: `rules_primary` and
// `rules_secondary`, `expected_expiration_time`, the event's and the series' `title`, and
// `settlement_sources` — through the official SDK and a client written from the docs.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestExchange } from '../../gateway/test/support/test-exchange.ts';
import { DocsRestClient } from './support/docs-client.ts';
import { addTrader, startKalshiExchange, type Trader } from './support/kalshi-exchange.ts';

let ex: TestExchange;
let bob: Trader;
const SETTLES = Date.UTC(2026, 11, 31, 18);

before(async () => {
  ex = await startKalshiExchange();
  bob = await addTrader(ex, 'bob', 10);
});
after(() => ex?.close());

test('before anything is written: the title stands in for the rules, no settlement time', async () => {
  const m = (await bob.market.getMarket(ex.market)).data.market;
  assert.deepEqual(
    [m.rules_primary, m.rules_secondary, m.expected_expiration_time],
    ['Test market', '', null],
  );
  assert.equal((await bob.market.getSeries('TEST')).data.series.title, 'TEST');
});

test("rules, source, settlement time and titles in Kalshi's fields", async () => {
  const admin = ex.admin.rest;
  await admin.request('PUT', '/api/v1/admin/series/TEST/title', { title: 'Test series' });
  await admin.request('PUT', '/api/v1/admin/events/TEST-26/title', { title: 'Will it test?' });
  await admin.request('PUT', `/api/v1/admin/markets/${ex.market}/info`, {
    rulesPrimary: 'Resolves YES if the test passes.',
    rulesSecondary: 'A flaky run counts as NO.',
    resolutionSource: 'The CI log',
    settlesAt: SETTLES,
  });
  const m = (await bob.market.getMarket(ex.market)).data.market;
  assert.deepEqual(
    [m.title, m.rules_primary, m.rules_secondary, m.expected_expiration_time],
    [
      'Test market',
      'Resolves YES if the test passes.',
      'A flaky run counts as NO.',
      new Date(SETTLES).toISOString(),
    ],
  );
  const event = (await bob.events.getEvent('TEST-26')).data.event;
  assert.equal(event.title, 'Will it test?');
  assert.deepEqual(event.settlement_sources, [{ name: 'The CI log', url: '' }]);
  const series = (await bob.market.getSeries('TEST')).data.series;
  assert.deepEqual(
    [series.title, series.settlement_sources],
    ['Test series', [{ name: 'The CI log', url: '' }]],
  );
  const docs = await new DocsRestClient(ex.baseUrl).request('GET', `/markets/${ex.market}`);
  const body = (docs.body as { market: Record<string, unknown> }).market;
  assert.deepEqual(
    [body.rules_primary, body.close_time !== undefined],
    ['Resolves YES if the test passes.', true],
  );
});
