// The order ticket shows what will happen, end to end in a real browser. It flags an impossible price
// (out of range, zero, off the grid) or quantity (zero, not whole lots, more than the money available)
// inline and will not send it; it shows the available balance and the exact cost including the most
// the fee can be; a buyer may enter dollars instead of contracts. Selling what you do not hold says it
// opens the other side and what that costs; a sell larger than the position shows both parts. The
// portfolio's P&L counts fees, shows them, and moves with the account's value to the cent. One exchange
// and one Chromium serve the whole file; the steps build on each other.

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

/** "$1,000.60" or "+$0.60" → micros. */
function micros(text: string | null): number {
  const m = /^([+-]?)\$([\d,]+)\.(\d+)$/.exec(text ?? '');
  assert.ok(m, `not an amount: ${text}`);
  const [, sign, whole, frac] = m;
  const value = Number(whole!.replaceAll(',', '')) * 1_000_000 + Number(frac!.padEnd(6, '0'));
  return sign === '-' ? -value : value;
}

describe('the order ticket and P&L', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
  });

  afterEach((t) => screenshotPages(t.name, { alice }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const ticket = () => alice.getByRole('form', { name: 'Order ticket' });
  const summary = () => alice.getByTestId('ticket-summary');
  /** The summary's value for a term ("Total", "Available", …). */
  const term = (name: string) => summary().locator(`dt:text-is("${name}") + dd`);
  const problem = () => ticket().getByTestId('ticket-problem');
  const bobOrder = (instrumentId: number, side: 'buy' | 'sell', px: number, lots: number) =>
    ex.gateway.services.submit({
      type: 'placeOrder',
      accountId: ex.accounts.bob!,
      instrumentId,
      side,
      orderType: 'limit',
      priceTicks: px,
      qtyLots: lots,
      tif: 'gtc',
    } as Parameters<WebExchange['gateway']['services']['submit']>[0]);

  test('impossible prices and quantities are flagged inline and never sent', async () => {
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    const t = ticket();
    const buy = t.getByRole('button', { name: 'Buy YES' });
    await t.getByLabel('Quantity (contracts)').fill('5');
    for (const [px, text] of [
      ['150', 'Price must be between 1¢ and 99¢.'],
      ['0', 'Price must be between 1¢ and 99¢.'],
      ['40.5', 'Price must be on the 1¢ grid.'],
    ] as const) {
      await t.getByLabel('Limit price (YES ¢)').fill(px);
      await problem().getByText(text).waitFor();
      assert.equal(await buy.isDisabled(), true, px);
      // No preview of an order that cannot exist: no fee, no profit, nothing negative.
      assert.equal(
        await summary()
          .getByText(/-\$|\$1\.00/)
          .count(),
        0,
        px,
      );
      assert.equal(
        await summary()
          .getByText(/^Profit/)
          .count(),
        0,
        px,
      );
    }
    await t.getByLabel('Limit price (YES ¢)').fill('40');
    await term('Available').getByText('$1,000.00').waitFor();
    await term('Cost').getByText('$2.00').waitFor();
    await term('Fee (max)').getByText('$0.09').waitFor(); // 7% × 5 × 0.40 × 0.60 = 8.4¢ → 9¢
    await term('Total').getByText('$2.09').waitFor();
    assert.equal(await problem().count(), 0);
    for (const [q, text] of [
      ['0', 'Enter at least 1 contract.'],
      ['1.5', 'Quantity must be in steps of 1 contract.'],
      ['5000', 'Needs $2,084.00: more than your available $1,000.00.'],
    ] as const) {
      await t.getByLabel('Quantity (contracts)').fill(q);
      await problem().getByText(text).waitFor();
      assert.equal(await buy.isDisabled(), true, q);
    }
    await screenshot(alice, 'ticket-excess');
  });

  test('a buyer enters dollars: the most whole contracts the amount pays for, fee included', async () => {
    const t = ticket();
    await t.getByLabel('Limit price (YES ¢)').fill('30');
    await t.getByRole('button', { name: 'Dollars' }).click();
    await t.getByLabel('Amount ($)').fill('10');
    // 31 × 30¢ + 46¢ fee = $9.76; a 32nd contract would make it $10.08.
    await term('Contracts').getByText('31').waitFor();
    await term('Total').getByText('$9.76').waitFor();
    await t.getByRole('button', { name: 'Buy YES' }).click();
    await alice
      .getByTestId('yes-bids')
      .getByRole('button', { name: '30¢, 31 contracts' })
      .waitFor();
    await t.getByRole('button', { name: 'Contracts' }).click();
  });

  test('selling what you do not hold says it opens NO, and shows its cost', async () => {
    await bobOrder(2, 'buy', 6_400, 1_000);
    await alice.goto(`/markets/${MARKET_2}`);
    await alice
      .getByTestId('yes-bids')
      .getByRole('button', { name: '64¢, 10 contracts' })
      .waitFor();
    const t = ticket();
    await t.getByRole('button', { name: 'Sell', exact: true }).click();
    await t.getByLabel('Quantity (contracts)').fill('3');
    await t.getByLabel('Limit price (YES ¢)').fill('64');
    await t.getByText('You hold no YES contracts: this sell opens a NO position.').waitFor();
    await term('Opens 3 NO at 36¢').getByText('$1.08').waitFor();
    assert.equal(
      await summary()
        .getByText(/^Proceeds|^Sells/)
        .count(),
      0,
    );
    await screenshot(alice, 'ticket-sell-opens-no');
    await t.getByRole('button', { name: 'Sell YES' }).click();
    await alice.getByTestId('my-position').getByText('3 NO').waitFor();
  });

  test('a sell larger than the position shows the part it closes and the part it opens', async () => {
    const t = ticket();
    await t.getByRole('button', { name: 'NO', exact: true }).click();
    await t.getByLabel('Quantity (contracts)').fill('5');
    await t.getByLabel('Limit price (NO ¢)').fill('36');
    await term('Sells 3 NO at 36¢').getByText('$1.08').waitFor();
    await term('Opens 2 YES at 64¢').getByText('$1.28').waitFor();
    await screenshot(alice, 'ticket-sell-both-parts');
  });

  test('P&L counts fees, shows them, and reconciles with the change in value', async () => {
    await bobOrder(1, 'sell', 4_000, 1_000);
    await alice.goto(`/markets/${MARKET}`);
    const t = ticket();
    await t.getByLabel('Quantity (contracts)').fill('10');
    await t.getByLabel('Limit price (YES ¢)').fill('40');
    await t.getByRole('button', { name: 'Buy YES' }).click();
    await alice.getByTestId('my-position').getByText('10 YES').waitFor();
    await bobOrder(1, 'buy', 5_000, 1_000);
    await t.getByRole('button', { name: 'Sell', exact: true }).click();
    await t.getByLabel('Limit price (YES ¢)').fill('50');
    await term('Sells 10 YES at 50¢').getByText('$5.00').waitFor();
    await t.getByRole('button', { name: 'Sell YES' }).click();
    // Bought at 40¢ (17¢ fee), sold at 50¢ (18¢ fee): +$1.00 before fees, +$0.65 after.
    const position = alice.getByTestId('my-position');
    await position.locator('dt:text-is("Fees paid") + dd').getByText('$0.35').waitFor();
    await position.locator('dt:text-is("Realised") + dd').getByText('+$0.65').waitFor();

    await alice.goto('/portfolio');
    await alice.getByTestId('fees-paid').getByText('$0.40').waitFor(); // and 5¢ on the NO sale
    const row = alice.getByTestId('positions').getByRole('row').filter({ hasText: MARKET });
    await row.getByText('+$0.65').waitFor();
    await row.getByText('$0.35').waitFor();
    const value = micros(await alice.getByTestId('portfolio-value').textContent());
    const realised = micros(await alice.getByTestId('realised-pnl').textContent());
    const unrealised = micros(await alice.getByTestId('unrealised-pnl').textContent());
    assert.equal(value - 1_000_000_000, realised + unrealised);
    assert.equal(realised + unrealised, 600_000);
    await screenshot(alice, 'portfolio-fees');
  });
});
