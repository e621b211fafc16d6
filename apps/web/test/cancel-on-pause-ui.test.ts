// Cancel if trading pauses, end to end in a real browser: a trader places one order with the ticket's
// "Cancel if trading pauses" box ticked and one without, sees the flag on the first in open orders, an
// admin pauses the market from the admin console, and the trader is told the flagged order was
// cancelled because trading paused while the other stays open (in the ladder, open orders and the
// order history). One exchange and one Chromium serve the whole file; the steps build on each other.

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
import { MARKET, PASSWORD, startWebExchange, type WebExchange } from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('cancel if trading pauses', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;
  let admin: Page;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
    admin = (await newUserPage(browser, ex.baseUrl)).page;
  });

  afterEach((t) => screenshotPages(t.name, { alice, admin }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const ticket = (page: Page) => page.getByRole('form', { name: 'Order ticket' });
  const pauseBox = (page: Page) =>
    ticket(page).getByRole('checkbox', { name: 'Cancel if trading pauses' });
  const openRow = (page: Page, priceText: string) =>
    page.getByTestId('open-orders').getByRole('row').filter({ hasText: priceText });

  /** A notification arrived (toasts fade; the header's list keeps them). */
  const notified = async (page: Page, text: string | RegExp) => {
    const toggle = page.getByRole('button', { name: /^Notifications/ });
    await toggle.click();
    await page.getByRole('list', { name: 'Notifications' }).getByText(text).waitFor();
    await toggle.click();
  };

  test('the ticket offers the box off by default, only for orders that can rest', async () => {
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    const box = pauseBox(alice);
    await box.waitFor();
    assert.equal(await box.isChecked(), false);
    assert.equal(await box.isEnabled(), true);
    const t = ticket(alice);
    for (const tif of ['ioc', 'fok'] as const) {
      await t.getByLabel('Time in force').selectOption(tif);
      assert.equal(await box.isDisabled(), true, `enabled for ${tif}`);
    }
    await t.getByLabel('Time in force').selectOption('gtd');
    assert.equal(await box.isEnabled(), true);
    await t.getByLabel('Time in force').selectOption('gtc');
    await t.getByLabel('Order type').selectOption('market');
    assert.equal(await box.isDisabled(), true);
    await t.getByLabel('Order type').selectOption('stop');
    assert.equal(await box.isEnabled(), true);
    await t.getByLabel('Order type').selectOption('limit');
    assert.equal(await box.isEnabled(), true);
  });

  test('a flagged and an unflagged order rest; open orders tag the flagged one', async () => {
    const t = ticket(alice);
    await t.getByLabel('Quantity (contracts)').fill('2');
    await t.getByLabel('Limit price (YES ¢)').fill('35');
    await pauseBox(alice).check();
    await t.getByRole('button', { name: 'Buy YES' }).click();
    await openRow(alice, '35¢').waitFor();

    await t.getByLabel('Quantity (contracts)').fill('3');
    await t.getByLabel('Limit price (YES ¢)').fill('30');
    await pauseBox(alice).uncheck();
    await t.getByRole('button', { name: 'Buy YES' }).click();
    await openRow(alice, '30¢').waitFor();

    await openRow(alice, '35¢').getByText('limit · gtc · cancel on pause').waitFor();
    assert.equal(await openRow(alice, '30¢').getByText('cancel on pause').count(), 0);
    await openRow(alice, '30¢').getByText('limit · gtc').waitFor();
    const bids = alice.getByTestId('yes-bids');
    await bids.getByRole('button', { name: '35¢, 2 contracts' }).waitFor();
    await bids.getByRole('button', { name: '30¢, 3 contracts' }).waitFor();
    await screenshot(alice, 'cancel-on-pause-resting');
  });

  test('an admin pauses the market: the flagged order is cancelled, the other stays', async () => {
    await logIn(admin, 'admin', PASSWORD);
    await admin.goto('/admin');
    const row = admin.getByTestId('admin-markets').locator(`tr[data-market="${MARKET}"]`);
    await row.getByRole('button', { name: 'Pause' }).click();
    await admin
      .getByRole('dialog')
      .getByText(/placed with “cancel if trading pauses” are cancelled/)
      .waitFor();
    await admin.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
    await row.getByText('paused').waitFor();

    // Alice, still on the market page, is told why the order went and sees only the other one.
    await notified(alice, /Cancelled: trading paused — order \d+, 2 contracts RAIN-NYC-YES$/);
    await openRow(alice, '35¢').waitFor({ state: 'detached' });
    await openRow(alice, '30¢').waitFor();
    const bids = alice.getByTestId('yes-bids');
    await bids.getByRole('button', { name: '35¢, 2 contracts' }).waitFor({ state: 'detached' });
    await bids.getByRole('button', { name: '30¢, 3 contracts' }).waitFor();
    await screenshot(alice, 'cancel-on-pause-paused');

    await alice.goto('/portfolio');
    const history = alice.getByTestId('history-orders');
    const flagged = history.getByRole('row').filter({ hasText: '35¢' });
    await flagged.getByRole('cell', { name: 'Cancelled: trading paused' }).waitFor();
    await flagged.getByRole('cell', { name: 'limit · gtc · cancel on pause' }).waitFor();
    const other = history.getByRole('row').filter({ hasText: '30¢' });
    await other.getByRole('cell', { name: 'Open', exact: true }).waitFor();
    await alice.getByTestId('open-orders').getByRole('row').filter({ hasText: '30¢' }).waitFor();
    assert.equal(await alice.getByTestId('open-orders').getByText('35¢').count(), 0);
    await screenshot(alice, 'cancel-on-pause-history');
  });

  test('after the market reopens the unflagged order is still in the book', async () => {
    const row = admin.getByTestId('admin-markets').locator(`tr[data-market="${MARKET}"]`);
    await row.getByRole('button', { name: 'Open' }).click();
    await row.getByText('open', { exact: true }).waitFor();
    await alice.goto(`/markets/${MARKET}`);
    await alice.getByTestId('yes-bids').getByRole('button', { name: '30¢, 3 contracts' }).waitFor();
    await openRow(alice, '30¢').waitFor();
    assert.equal(await openRow(alice, '35¢').count(), 0);
  });
});
