// Outages never show false numbers, end to end in a real browser: with alice's portfolio open on one
// page and a market on another, the exchange's server stops. The portfolio keeps its last-known cash
// and value (never $0.00) marked stale with their age, and the market keeps its book and price marked
// stale too. A market page opened during the outage and a portfolio opened with nothing known yet
// show no made-up numbers either. When the server comes back on the same address, every page
// recovers by itself (no reload): fresh values, the chart's history, the tape, the live book. One
// exchange and one Chromium serve the whole file; the steps build on each other.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  chromiumMissing,
  launch,
  logIn,
  newUserPage,
  screenshot,
  screenshotPages,
} from './support/browser.ts';
import {
  MARKET,
  MARKET_2,
  PASSWORD,
  placeLimit,
  startWebExchange,
  type WebExchange,
} from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('an exchange outage', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  /** Alice's portfolio, later a market page opened during the outage. */
  let folio: Page;
  /** Alice's market page, open throughout. */
  let market: Page;
  /** Bob, who logs in but opens his portfolio only once the exchange is down. */
  let bob: Page;
  let cashBefore = '';
  let valueBefore = '';

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    folio = (await newUserPage(browser, ex.baseUrl)).page;
    market = (await newUserPage(browser, ex.baseUrl)).page;
    bob = (await newUserPage(browser, ex.baseUrl)).page;
  });

  afterEach((t) => screenshotPages(t.name, { folio, market, bob }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const order = (
    name: string,
    instrumentId: number,
    side: 'buy' | 'sell',
    px: number,
    lots: number,
  ) => placeLimit(ex, name, instrumentId, side, px, lots);
  const stale = (page: Page) => page.getByTestId('stale');
  const badge = (page: Page) => page.getByTestId('connection');
  /** Client-side navigation through the app's own links, as a person would (no page load). */
  const navigate = async (page: Page, link: string) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
  };

  test('before: a trade, a resting bid, and two pages showing them', async () => {
    await order('bob', 1, 'buy', 4_000, 300);
    await order('alice', 1, 'sell', 4_000, 100);
    await logIn(folio, 'alice', PASSWORD);
    await folio.goto('/portfolio');
    await folio.getByTestId('positions').getByRole('row').filter({ hasText: '1 NO' }).waitFor();
    cashBefore = (await folio.getByTestId('cash-available').textContent()) ?? '';
    valueBefore = (await folio.getByTestId('portfolio-value').textContent()) ?? '';
    assert.match(cashBefore, /^\$9\d\d\.\d\d$/);
    assert.match(valueBefore, /^\$\d/);
    await logIn(market, 'alice', PASSWORD);
    await market.goto(`/markets/${MARKET}`);
    await market
      .getByTestId('yes-bids')
      .getByRole('button', { name: '40¢, 2 contracts' })
      .waitFor();
    await market.getByTestId('last-price').getByText('40¢').waitFor();
    await logIn(bob, 'bob', PASSWORD);
    for (const page of [folio, market, bob]) await page.evaluate('window.__noReload = true');
    assert.equal(await stale(folio).count(), 0);
    assert.equal(await stale(market).count(), 0);
  });

  test('during the outage: last-known values, marked stale with their age, never zeros', async () => {
    await ex.stop();
    await badge(folio)
      .getByText(/Reconnecting|Offline/)
      .waitFor();
    await stale(folio).first().getByText(/ago/).waitFor();
    assert.equal(await folio.getByTestId('cash-available').textContent(), cashBefore);
    assert.equal(await folio.getByTestId('portfolio-value').textContent(), valueBefore);

    await stale(market).first().getByText(/ago/).waitFor();
    await market.getByTestId('last-price').getByText('40¢').waitFor();
    await market
      .getByTestId('yes-bids')
      .getByRole('button', { name: '40¢, 2 contracts' })
      .waitFor();
    await screenshot(market, 'outage-market');

    // Bob's portfolio, opened with nothing known yet, shows no number rather than $0.00.
    await navigate(bob, 'Portfolio');
    await bob.getByRole('heading', { name: 'Portfolio' }).waitFor();
    await stale(bob).first().waitFor();
    for (const id of ['cash-available', 'portfolio-value']) {
      assert.doesNotMatch((await bob.getByTestId(id).textContent()) ?? '', /\$0\.00/, id);
    }
    await screenshot(bob, 'outage-portfolio-unknown');

    // Alice opens another market while the exchange is down.
    await navigate(folio, 'Markets');
    await folio.getByRole('link', { name: /Will it snow/ }).click();
    await folio.getByRole('heading', { name: /Will it snow/ }).waitFor();
    await stale(folio).first().waitFor();
  });

  test('after the outage every page recovers by itself, without a reload', async () => {
    await ex.restart();
    // A trade in the market alice opened during the outage, after the server came back.
    await order('bob', 2, 'buy', 5_500, 100);
    await order('alice', 2, 'sell', 5_500, 100);
    for (const page of [folio, market, bob]) {
      await badge(page).getByText('Live').waitFor();
      await stale(page).first().waitFor({ state: 'detached' });
    }
    await folio.getByRole('img', { name: 'Price chart, 1m candles, 1 bars' }).waitFor();
    await folio.getByTestId('trade-tape').getByRole('row').filter({ hasText: '55¢' }).waitFor();
    assert.equal(await folio.locator('.chart .error').count(), 0);
    await folio.getByTestId('last-price').getByText('55¢').waitFor();

    await order('bob', 1, 'buy', 3_900, 400);
    await market
      .getByTestId('yes-bids')
      .getByRole('button', { name: '39¢, 4 contracts' })
      .waitFor();

    await bob
      .getByTestId('cash-available')
      .getByText(/^\$9\d\d\.\d\d$/)
      .waitFor();
    await bob.getByTestId('positions').getByRole('row').filter({ hasText: MARKET_2 }).waitFor();
    for (const page of [folio, market, bob]) {
      assert.equal(await page.evaluate('window.__noReload'), true, 'the page was reloaded');
    }
    await screenshot(folio, 'outage-recovered-market');
  });
});
