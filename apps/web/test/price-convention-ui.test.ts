// One price convention for NO, end to end in a real browser: an order reads in the prices of the side
// it buys everywhere it appears. Alice bids YES at 34¢; bob buys NO limited at 75¢ and fills at 66¢
// (the YES book's 25¢ and 34¢), then rests a NO bid at 4¢ (the YES book's 96¢). Bob's notification,
// chart marker, open orders, order history, fills and the CSV he exports all read 75¢, 66¢ and 4¢,
// never 25¢, 34¢ or 96¢. The history's CSV holds every matching order, not only the page on screen. One exchange and
// one Chromium serve the whole file; the steps build on each other.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

describe('one price convention for NO', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let bob: Page;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    bob = (await newUserPage(browser, ex.baseUrl)).page;
  });

  afterEach((t) => screenshotPages(t.name, { bob }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const ticket = (page: Page) => page.getByRole('form', { name: 'Order ticket' });
  const notified = async (page: Page, text: string) => {
    const toggle = page.getByRole('button', { name: /^Notifications/ });
    await toggle.click();
    await page.getByRole('list', { name: 'Notifications' }).getByText(text).waitFor();
    await toggle.click();
  };
  /** The exported CSV's text. */
  const exportCsv = async (page: Page, button: ReturnType<Page['getByRole']>) => {
    const download = page.waitForEvent('download');
    await button.click();
    return readFileSync(await (await download).path(), 'utf8');
  };

  test('a NO buy limited at 75¢ fills at 66¢ and a NO bid rests at 4¢', async () => {
    const s = ex.gateway.services;
    await s.submit({
      type: 'placeOrder',
      accountId: ex.accounts.alice!,
      instrumentId: 1,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 3_400,
      qtyLots: 200,
      tif: 'gtc',
    } as Parameters<typeof s.submit>[0]);
    await logIn(bob, 'bob', PASSWORD);
    await bob.goto(`/markets/${MARKET}`);
    await bob.getByTestId('yes-bids').getByRole('button', { name: '34¢, 2 contracts' }).waitFor();
    const t = ticket(bob);
    await t.getByRole('button', { name: 'NO', exact: true }).click();
    await t.getByLabel('Quantity (contracts)').fill('2');
    await t.getByLabel('Limit price (NO ¢)').fill('75');
    await t.getByRole('button', { name: 'Buy NO' }).click();
    await notified(bob, `Filled: Buy NO 2 ${MARKET} @ 66¢`);
    // The chart marks the fill in NO terms too (the canvas's markers, listed for screen readers).
    await bob
      .getByRole('list', { name: 'Your fills on the chart' })
      .getByText(/^Buy NO 2 @ 66¢$/)
      .waitFor({ state: 'attached' });
    await t.getByLabel('Quantity (contracts)').fill('1');
    await t.getByLabel('Limit price (NO ¢)').fill('4');
    await t.getByRole('button', { name: 'Buy NO' }).click();
    const open = bob.getByTestId('open-orders');
    await open.getByRole('row').filter({ hasText: 'Buy NO' }).filter({ hasText: '4¢' }).waitFor();
    assert.equal(await open.getByText('96¢').count(), 0);
  });

  test('order history, fills and their CSV read in NO prices', async () => {
    await bob.goto('/portfolio');
    const orders = bob.getByTestId('history-orders');
    const filled = orders.getByRole('row').filter({ hasText: 'Filled' });
    await filled.getByRole('cell', { name: '75¢', exact: true }).waitFor();
    await filled.getByRole('cell', { name: '66¢', exact: true }).waitFor();
    const resting = orders.getByRole('row').filter({ hasText: 'Open' });
    await resting.getByRole('cell', { name: '4¢', exact: true }).waitFor();
    for (const wrong of ['25¢', '34¢', '96¢']) {
      assert.equal(await orders.getByRole('cell', { name: wrong, exact: true }).count(), 0, wrong);
    }
    const csv = await exportCsv(bob, bob.getByRole('button', { name: 'Export CSV' }).last());
    const lines = csv.split('\r\n');
    assert.ok(
      lines.some((l) => l.includes('Buy NO') && l.includes(',75¢,') && l.includes(',66¢,')),
      csv,
    );
    assert.ok(
      lines.some((l) => l.includes('Buy NO') && l.includes(',4¢,')),
      csv,
    );
    assert.doesNotMatch(csv, /,(25|34|96)¢,/);

    await bob.getByRole('tab', { name: 'Fills' }).click();
    const fills = bob.getByTestId('history-fills');
    await fills.getByRole('row').filter({ hasText: 'Buy NO' }).filter({ hasText: '66¢' }).waitFor();
    assert.equal(await fills.getByText('34¢').count(), 0);
    await screenshot(bob, 'price-convention-history');
  });

  test('the history CSV holds every matching order, not only the page on screen', async () => {
    const s = ex.gateway.services;
    for (let i = 0; i < 30; i++) {
      await s.submit({
        type: 'placeOrder',
        accountId: ex.accounts.bob!,
        instrumentId: 1,
        side: 'sell',
        orderType: 'limit',
        priceTicks: 9_000 + (i % 5) * 100,
        qtyLots: 100,
        tif: 'gtc',
      } as Parameters<typeof s.submit>[0]);
    }
    await bob.goto('/portfolio');
    await bob.getByRole('tab', { name: 'Orders' }).click();
    await bob.getByRole('button', { name: 'Older →' }).and(bob.locator(':enabled')).waitFor();
    const csv = await exportCsv(bob, bob.getByRole('button', { name: 'Export CSV' }).last());
    // The header, two orders placed in the ticket and thirty more.
    assert.equal(csv.split('\r\n').length, 1 + 2 + 30);
  });
});
