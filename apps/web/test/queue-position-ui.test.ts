// Queue positions in the market page's open orders, end to end in a real browser: alice rests a bid,
// bob rests a bid at the same price after her (through the API), and bob's Queue column shows alice's
// quantity ahead of him while hers reads Front; a parked stop has no place ("—"). Alice joins the
// level again behind both, then cancels her first order: bob's page moves him to the front and hers
// shows only bob ahead, within seconds and without reloading. A bid at another price makes bob's page
// fetch nothing; when bob's order fills, alice's moves to the front. Then the portfolio's open orders
// (every market, no book followed): alice and bob bid one price in the second market, bob's portfolio
// shows her quantity ahead of him, and after she cancels it shows Front within its slow timer's
// period; while bob's page is hidden it asks only when his own orders change, and catches up at once
// when shown again. One exchange and one Chromium serve the whole file; the steps build on each other.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  chromiumMissing,
  horizontalOverflow,
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

/** The part of a Queue cell people see (the rest is the screen readers' whole sentence). */
const SHOWN = 'span[aria-hidden="true"]';
/**
 * How long the test waits for a pushed change to show (it shows in well under a second on an idle
 * machine; the bound is generous so a busy CI machine cannot fail the test on timing).
 */
const UPDATE_MS = 30_000;
/** The portfolio's slow timer (QUEUE_POLL_MS): it hears no book changes, so others' cancels wait for it. */
const POLL_MS = 5_000;
/** Longer than the refresh gate's spacing (500 ms) and a fetch: requests already asked for are done. */
const QUEUE_SETTLE_MS = 1_000;

describe('queue positions in open orders', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  /** Bob's page's queue-position requests, to show they are not polled. */
  let bobQueueFetches = 0;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
    bob = (await newUserPage(browser, ex.baseUrl)).page;
    bob.on('request', (r) => {
      if (r.url().includes('/api/v1/orders/queue-positions')) bobQueueFetches++;
    });
  });

  afterEach((t) => screenshotPages(t.name, { alice, bob }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const ticket = (page: Page) => page.getByRole('form', { name: 'Order ticket' });
  /** The open orders row at a price (and with an open quantity, when several share the price). */
  const openRow = (page: Page, priceText: string, openText?: string) => {
    const rows = page.getByTestId('open-orders').getByRole('row').filter({ hasText: priceText });
    return openText === undefined
      ? rows
      : rows.filter({ has: page.getByRole('cell', { name: openText, exact: true }) });
  };
  const queueCell = (row: ReturnType<typeof openRow>, label: string) =>
    row.getByRole('cell', { name: label, exact: true });

  /** A state-changing API call from the page's logged-in session (cookie + CSRF header). */
  const apiPost = async (page: Page, path: string, body: unknown) => {
    const account = await page.request.get('/api/v1/account');
    const { csrfToken } = (await account.json()) as { csrfToken: string };
    const res = await page.request.post(path, {
      data: body,
      headers: { 'x-csrf-token': csrfToken },
    });
    assert.equal(res.ok(), true, `${path}: ${res.status()} ${await res.text()}`);
    return res.json() as Promise<{ orderId: number; status: string }>;
  };

  const apiDelete = async (page: Page, path: string) => {
    const account = await page.request.get('/api/v1/account');
    const { csrfToken } = (await account.json()) as { csrfToken: string };
    const res = await page.request.delete(path, { headers: { 'x-csrf-token': csrfToken } });
    assert.equal(res.ok(), true, `${path}: ${res.status()} ${await res.text()}`);
  };

  /** A resting bid in the second market, placed through the API. */
  const bidSnow = async (page: Page, priceTicks: number, qtyLots: number) => {
    const placed = await apiPost(page, '/api/v1/orders', {
      market: MARKET_2,
      side: 'buy',
      type: 'limit',
      priceTicks,
      qtyLots,
      tif: 'gtc',
    });
    assert.equal(placed.status, 'resting');
    return placed.orderId;
  };

  /** Hides or shows the page as a background tab would be (`document.visibilityState`). */
  const setVisible = (page: Page, visible: boolean) =>
    page.evaluate(
      `Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${visible ? 'visible' : 'hidden'}' });
       document.dispatchEvent(new Event('visibilitychange'));`,
    );

  const buyYes = async (page: Page, contracts: string, cents: string) => {
    const t = ticket(page);
    await t.getByLabel('Quantity (contracts)').fill(contracts);
    await t.getByLabel('Limit price (YES ¢)').fill(cents);
    await t.getByRole('button', { name: 'Buy YES' }).click();
  };

  test('alice rests a bid first: she is at the front of the queue', async () => {
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    await buyYes(alice, '2', '40');
    await queueCell(openRow(alice, '40¢'), 'Front of the queue').waitFor();
    const header = alice.getByTestId('open-orders').getByRole('columnheader', { name: 'Queue' });
    assert.match(
      (await header.getAttribute('title')) ?? '',
      /^Quantity resting ahead of your order at its price/,
    );
    assert.equal(
      await openRow(alice, '40¢').getByTestId('queue-ahead').locator(SHOWN).innerText(),
      'Front',
    );
  });

  test('bob bids the same price after her: his page shows her quantity ahead', async () => {
    await logIn(bob, 'bob', PASSWORD);
    await bob.goto(`/markets/${MARKET}`);
    await bob.getByTestId('yes-bids').getByRole('button', { name: '40¢, 2 contracts' }).waitFor();
    const placed = await apiPost(bob, '/api/v1/orders', {
      market: MARKET,
      side: 'buy',
      type: 'limit',
      priceTicks: 4_000,
      qtyLots: 300,
      tif: 'gtc',
    });
    assert.equal(placed.status, 'resting');
    const row = openRow(bob, '40¢');
    await queueCell(row, '2 contracts ahead').waitFor({ timeout: UPDATE_MS });
    assert.equal(await row.getByTestId('queue-ahead').locator(SHOWN).innerText(), '2');
    assert.equal(await row.getAttribute('data-order-id'), String(placed.orderId));

    // A stop waiting for its trigger is in no queue.
    const stop = await apiPost(bob, '/api/v1/orders', {
      market: MARKET,
      side: 'buy',
      type: 'stopLimit',
      stopPriceTicks: 6_000,
      priceTicks: 6_500,
      qtyLots: 100,
      tif: 'gtc',
    });
    assert.equal(stop.status, 'parked');
    const stopRow = bob.locator(`[data-testid="open-orders"] tr[data-order-id="${stop.orderId}"]`);
    await queueCell(stopRow, 'Not in the book until the stop triggers').waitFor();
    assert.equal(await stopRow.getByTestId('queue-ahead').locator(SHOWN).innerText(), '—');
    await screenshot(bob, 'queue-position-behind');
  });

  test('alice cancels: bob moves to the front within seconds, her later order has only bob ahead', async () => {
    // Alice joins the level again, behind both of them.
    await buyYes(alice, '1', '40');
    await queueCell(openRow(alice, '40¢', '1'), '5 contracts ahead').waitFor({
      timeout: UPDATE_MS,
    });
    await queueCell(openRow(bob, '40¢'), '2 contracts ahead').waitFor();

    const first = openRow(alice, '40¢', '2');
    await first.getByRole('button', { name: /^Cancel order / }).click();
    await alice.getByRole('dialog').getByRole('button', { name: 'Cancel order' }).click();
    await first.waitFor({ state: 'detached' });

    await queueCell(openRow(bob, '40¢'), 'Front of the queue').waitFor({ timeout: UPDATE_MS });
    assert.equal(
      await openRow(bob, '40¢').getByTestId('queue-ahead').locator(SHOWN).innerText(),
      'Front',
    );
    await queueCell(openRow(alice, '40¢', '1'), '3 contracts ahead').waitFor({
      timeout: UPDATE_MS,
    });
    await screenshot(bob, 'queue-position-front');
  });

  test('a change at another price fetches nothing; when bob fills, alice moves up', async () => {
    // The last change at bob's price (the cancel) was fetched once and shown; 30¢ is not his.
    const before = bobQueueFetches;
    await buyYes(alice, '4', '30');
    await queueCell(openRow(alice, '30¢'), 'Front of the queue').waitFor({ timeout: UPDATE_MS });
    await bob.getByTestId('yes-bids').getByRole('button', { name: '30¢, 4 contracts' }).waitFor();
    assert.equal(bobQueueFetches, before, 'bob fetched for a level he has no order at');

    // Alice sells into 40¢ (Buy NO at 60¢ = sell YES at 40¢): bob's 3 contracts at the front fill.
    const t = ticket(alice);
    await t.getByRole('button', { name: 'NO', exact: true }).click();
    await t.getByLabel('Quantity (contracts)').fill('3');
    await t.getByLabel('Limit price (NO ¢)').fill('60');
    await t.getByRole('button', { name: 'Buy NO' }).click();
    await openRow(bob, '40¢').waitFor({ state: 'detached', timeout: UPDATE_MS });
    await queueCell(openRow(alice, '40¢', '1'), 'Front of the queue').waitFor({
      timeout: UPDATE_MS,
    });
    // A fetch or two per change at bob's prices over the whole file, no polling.
    assert.ok(bobQueueFetches <= 12, `${bobQueueFetches} fetches`);
  });

  test('the portfolio lists every market with a Queue column: bob sees alice ahead of him', async () => {
    const aliceFirst = await bidSnow(alice, 2_500, 200);
    await bob.goto('/portfolio');
    const orders = bob.getByTestId('open-orders');
    const header = orders.getByRole('columnheader', { name: 'Queue' });
    assert.match(
      (await header.getAttribute('title')) ?? '',
      /^Quantity resting ahead of your order at its price/,
    );
    // Only his parked stop so far (in the first market): no place in a queue.
    const stopRow = orders.getByRole('row').filter({ hasText: MARKET });
    await queueCell(stopRow, 'Not in the book until the stop triggers').waitFor();
    assert.equal(await stopRow.getByTestId('queue-ahead').locator(SHOWN).innerText(), '—');

    // His bid comes over the orders channel, which asks for its position.
    const bobs = await bidSnow(bob, 2_500, 300);
    const row = orders.locator(`tr[data-order-id="${bobs}"]`);
    await queueCell(row, '2 contracts ahead').waitFor({ timeout: UPDATE_MS });
    assert.equal(await row.getByTestId('queue-ahead').locator(SHOWN).innerText(), '2');
    assert.match(await row.innerText(), new RegExp(`^${MARKET_2}\\s+Buy YES\\s+25¢`));
    await screenshot(bob, 'queue-position-portfolio-behind');
    // The extra column still fits a phone beside the market's name: the page does not scroll sideways.
    await bob.setViewportSize({ width: 390, height: 844 });
    assert.equal(await horizontalOverflow(bob), 0, 'the portfolio scrolls sideways');
    // Nor is any of the table cut off by its card: Amend and Cancel stack when they must.
    const spare = (await bob.evaluate(`(() => {
      const table = document.querySelector('[data-testid="open-orders"]');
      const card = table.closest('.card');
      const style = getComputedStyle(card);
      const inside = card.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return inside - table.getBoundingClientRect().width;
    })()`)) as number;
    assert.ok(spare > -1, `the open orders are ${-spare}px wider than their card`);
    await screenshot(bob, 'phone-queue-position-portfolio');
    await bob.setViewportSize({ width: 1440, height: 900 });

    // Alice cancels: nothing tells bob's page (not his order, no book followed) but the timer.
    await apiDelete(alice, `/api/v1/orders/${aliceFirst}`);
    await queueCell(row, 'Front of the queue').waitFor({ timeout: POLL_MS + UPDATE_MS });
    assert.equal(await row.getByTestId('queue-ahead').locator(SHOWN).innerText(), 'Front');
    await screenshot(bob, 'queue-position-portfolio-front');
  });

  test('hidden, the portfolio asks only when his own orders change; shown again, it catches up', async () => {
    const aliceAt20 = await bidSnow(alice, 2_000, 200);
    const orders = bob.getByTestId('open-orders');
    await setVisible(bob, false);
    // His own order still brings its position while the page is hidden.
    const bobs = await bidSnow(bob, 2_000, 100);
    const row = orders.locator(`tr[data-order-id="${bobs}"]`);
    await queueCell(row, '2 contracts ahead').waitFor({ timeout: UPDATE_MS });

    // Alice's cancel goes unasked about for longer than the timer's period: it is stopped.
    await bob.waitForTimeout(QUEUE_SETTLE_MS);
    const before = bobQueueFetches;
    await apiDelete(alice, `/api/v1/orders/${aliceAt20}`);
    await bob.waitForTimeout(POLL_MS + 1_500);
    assert.equal(bobQueueFetches, before, 'fetched while hidden');
    assert.equal(await row.getByTestId('queue-ahead').locator(SHOWN).innerText(), '2');

    await setVisible(bob, true);
    await queueCell(row, 'Front of the queue').waitFor({ timeout: UPDATE_MS });
    assert.ok(bobQueueFetches > before);
  });
});
