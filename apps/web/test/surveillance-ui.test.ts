// The surveillance console in a real browser: alice and bob, linked by an admin as one beneficial
// owner, trade with each other; the admin's console lists the wash alert with both accounts, opens its
// evidence (the fill between them), acknowledges it, and freezes bob from it, whose open order is
// cancelled. One exchange and one Chromium serve the file.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launch, logIn, newUserPage, screenshotPages } from './support/browser.ts';
import { PASSWORD, startWebExchange, type WebExchange } from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('the surveillance console', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let admin: Page;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    admin = (await newUserPage(browser, ex.baseUrl)).page;
  });
  afterEach((t) => screenshotPages(t.name, { admin }));
  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  test('lists a wash alert, shows its evidence, acknowledges it and freezes an account', async () => {
    const s = ex.gateway.services;
    const [alice, bob] = [ex.accounts.alice!, ex.accounts.bob!];
    await s.core.readModels.linkOwners([alice, bob], 'alice-and-bob', { by: 'admin', ts: 0 });
    const o = { instrumentId: 1, orderType: 'limit', priceTicks: 5_500, qtyLots: 100 } as const;
    await s.submit({ type: 'placeOrder', accountId: alice, side: 'sell', tif: 'gtc', ...o });
    await s.submit({ type: 'placeOrder', accountId: bob, side: 'buy', tif: 'ioc', ...o });
    await s.submit({
      type: 'placeOrder',
      accountId: bob,
      side: 'buy',
      tif: 'gtc',
      ...o,
      priceTicks: 4_000,
    });

    await logIn(admin, 'admin', PASSWORD);
    await admin.getByRole('link', { name: 'Surveillance' }).click();
    const row = admin
      .getByTestId('alert-list')
      .getByRole('row')
      .filter({ hasText: 'Wash trading' });
    await row.waitFor();
    assert.match(
      await row.innerText(),
      new RegExp(`${Math.min(alice, bob)}, ${Math.max(alice, bob)}`),
    );
    await row.getByRole('button').click();
    const evidence = admin.getByTestId('alert-evidence');
    await evidence.getByRole('table', { name: 'Fills' }).getByText('5500').waitFor();

    await evidence.getByLabel('Note').fill('reviewed');
    await evidence.getByRole('button', { name: 'Acknowledge' }).click();
    await evidence.getByText(/: acknowledged by admin/).waitFor();
    await evidence.getByRole('button', { name: /Freeze account/ }).click();
    await admin.getByText(/Froze account/).waitFor();
    assert.deepEqual(await s.core.query.openOrders(bob), []);
    assert.equal((await s.core.query.accounts()).find((a) => a.accountId === bob)?.frozen, true);
  });
});
