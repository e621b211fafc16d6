// What a market is, in a real browser: an admin describes a market in the admin console (series and
// event titles, rules, resolution source, settlement time); the markets list is headed by those titles,
// the event's page lists every market of the event with its prices, and the market page shows the rules,
// the source, when trading closes and when it settles.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launch, logIn, newUserPage, screenshotPages } from './support/browser.ts';
import {
  MARKET,
  MARKET_2,
  PASSWORD,
  startWebExchange,
  type WebExchange,
} from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('market descriptions', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;
  let admin: Page;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
    admin = (await newUserPage(browser, ex.baseUrl)).page;
    await logIn(admin, 'admin', PASSWORD);
    // Bob bids on the second market, so the event page has a price to show.
    await ex.gateway.services.submit({
      type: 'placeOrder',
      accountId: ex.accounts.bob!,
      instrumentId: 2,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 3_000,
      qtyLots: 100,
      tif: 'gtc',
    });
  });

  afterEach((t) => screenshotPages(t.name, { alice, admin }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  test('the admin describes a market in the console', async () => {
    await admin.goto('/admin');
    const form = admin.getByRole('form', { name: 'Describe market' });
    await form.getByLabel('Market').selectOption(MARKET);
    await form.getByLabel(/Series title/).fill('Weather');
    await form.getByLabel(/Event title/).fill('New York City weather');
    await form
      .getByLabel('Rules', { exact: true })
      .fill('Resolves YES if Central Park records rain tomorrow.');
    await form.getByLabel('Resolution source').fill('National Weather Service');
    await form.getByLabel('Settles').fill('2030-01-02T18:00:00');
    await form.getByRole('button', { name: 'Publish' }).click();
    await admin.getByText(`Published the description of ${MARKET}`).waitFor();
    const res = await fetch(`${ex.baseUrl}/api/v1/markets/${MARKET}`);
    const info = ((await res.json()) as { info: Record<string, unknown> }).info;
    assert.equal(info.eventTitle, 'New York City weather');
    assert.equal(info.resolutionSource, 'National Weather Service');
    assert.equal(typeof info.settlesAt, 'number');
  });

  test('titles head the markets list; the event page lists its markets with prices', async () => {
    await alice.goto('/');
    await alice.getByRole('heading', { name: 'Weather', exact: false }).first().waitFor();
    const event = alice.getByRole('link', { name: 'New York City weather' });
    await event.waitFor();
    await event.click();
    await alice.getByRole('heading', { name: 'New York City weather', level: 1 }).waitFor();
    const rows = alice.locator('table.markets tbody tr');
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    await alice.locator('tr', { hasText: MARKET_2 }).getByText(/30¢/).first().waitFor();
  });

  test('the market page shows its rules, source, close and settlement times', async () => {
    await alice.goto(`/markets/${MARKET}`);
    const terms = alice.getByTestId('market-terms');
    await terms.getByText('Resolves YES if Central Park records rain tomorrow.').waitFor();
    await terms.getByText('National Weather Service').waitFor();
    await terms.getByText('Not scheduled').waitFor();
    const settles = await terms.locator('time').first().getAttribute('datetime');
    assert.equal(new Date(settles!).getUTCFullYear(), 2030);
    await alice.getByRole('link', { name: 'New York City weather' }).waitFor();
  });
});
