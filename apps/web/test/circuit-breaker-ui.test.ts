// A circuit breaker's pause in a real browser: while alice watches a market page, a sweep moves the
// price further than the market's breaker allows; her page shows the market paused with a "Circuit
// breaker" badge and when it reopens, brought by the live feed, she is told the rest of her sweep was
// cancelled by the breaker, and the market list marks the market too. When the market reopens the
// badge goes, again without a reload. An admin sets a breaker from the console, sees a bad one
// refused, and removes it. One exchange and one Chromium serve the whole file; the steps build on
// each other.

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
  startWebExchange,
  type WebExchange,
} from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('a circuit breaker on the market page', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
    await ex.gateway.services.submit({
      type: 'setCircuitBreaker',
      instrumentId: 1,
      breaker: { moveTicks: 500, moveBps: 0, windowMs: 60_000, pauseMs: 3_600_000, bandTicks: 0 },
    });
  });

  afterEach((t) => screenshotPages(t.name, { alice }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const order = (account: string, side: 'buy' | 'sell', priceTicks: number, qtyLots: number) =>
    ex.gateway.services.submit({
      type: 'placeOrder',
      accountId: ex.accounts[account]!,
      instrumentId: 1,
      side,
      orderType: 'limit',
      priceTicks,
      qtyLots,
      tif: 'gtc',
    });
  const badge = (page: Page) => page.getByTestId('breaker-badge');
  const marketStatus = (page: Page) => page.getByTestId('market-status');

  test('a trip shows the badge and the reopening time from the live feed', async () => {
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    await marketStatus(alice).getByText('open', { exact: true }).waitFor();
    assert.equal(await badge(alice).count(), 0);

    await order('bob', 'sell', 5_000, 200);
    await order('bob', 'sell', 5_600, 100);
    await order('alice', 'buy', 5_000, 100);
    const sweep = await order('alice', 'buy', 5_600, 200);
    assert.ok(
      sweep.events.some((e) => e.type === 'orderCancelled' && e.reason === 'circuitBreaker'),
    );

    await marketStatus(alice).getByText('paused', { exact: true }).waitFor();
    await badge(alice).getByText('Circuit breaker').waitFor();
    await badge(alice)
      .getByText(/reopens in/)
      .waitFor();
    await screenshot(alice, 'circuit-breaker-paused');

    await alice.goto('/');
    await alice.getByTitle('Paused by its circuit breaker').waitFor();
    await alice.goto(`/markets/${MARKET}`);
    await badge(alice).waitFor();
  });

  test('reopening clears the badge, again from the live feed', async () => {
    await ex.gateway.services.submit({ type: 'setMarketStatus', instrumentId: 1, status: 'open' });
    await marketStatus(alice).getByText('open', { exact: true }).waitFor();
    await badge(alice).waitFor({ state: 'detached' });
  });

  test('an admin sets, is refused, and removes a breaker in the console', async () => {
    const admin = (await newUserPage(browser, ex.baseUrl)).page;
    await logIn(admin, 'admin', PASSWORD);
    await admin.goto('/admin');
    const form = admin.getByRole('form', { name: 'Circuit breaker' });
    await form.getByLabel('Market').selectOption(MARKET_2);
    await form.getByTestId('breaker-now').getByText('No circuit breaker.').waitFor();
    await form.getByLabel('Move (ticks)').fill('300');
    await form.getByLabel('Band ± (ticks)').fill('1500');
    await form.getByLabel(/Reference price/).fill('4000');
    await form.getByRole('button', { name: 'Set breaker' }).click();
    await form
      .getByTestId('breaker-now')
      .getByText(/more than 300 ticks/)
      .waitFor();
    const view = await ex.gateway.services.core.query.instrument(2);
    assert.deepEqual(view?.circuitBreaker, {
      config: { moveTicks: 300, moveBps: 0, windowMs: 10_000, pauseMs: 60_000, bandTicks: 1_500 },
      referencePriceTicks: 4_000,
    });
    await screenshot(admin, 'circuit-breaker-admin');

    await form.getByLabel('Pause (ms)').fill('0');
    await form.getByRole('button', { name: 'Set breaker' }).click();
    await form.getByRole('alert').waitFor();
    await form.getByRole('button', { name: 'Remove breaker' }).click();
    await form.getByTestId('breaker-now').getByText('No circuit breaker.').waitFor();
    assert.equal((await ex.gateway.services.core.query.instrument(2))?.circuitBreaker, undefined);
    await admin.close();
  });
});
