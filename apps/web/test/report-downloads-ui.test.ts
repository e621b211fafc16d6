// Compliance reports from the admin console, in a real browser: the report card's links download the
// day's trade register as CSV (with the trade Alice and Bob just made and the seq it was built from in
// its name) and an account's monthly statement as JSON, through the admin's web session.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launch, logIn, newUserPage, screenshotPages } from './support/browser.ts';
import { PASSWORD, startWebExchange, type WebExchange } from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('compliance report downloads', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let admin: Page;
  let tradeSeq = 0;
  /** The trade's UTC day (the test may run across midnight). */
  let tradeDay = '';

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    admin = (await newUserPage(browser, ex.baseUrl)).page;
    await logIn(admin, 'admin', PASSWORD);
    const order = { type: 'placeOrder', instrumentId: 1, orderType: 'limit', tif: 'gtc' } as const;
    const s = ex.gateway.services;
    await s.submit({
      ...order,
      accountId: ex.accounts.alice!,
      side: 'buy',
      priceTicks: 4_000,
      qtyLots: 100,
    });
    const fill = await s.submit({
      ...order,
      accountId: ex.accounts.bob!,
      side: 'sell',
      priceTicks: 4_000,
      qtyLots: 100,
    });
    tradeSeq = fill.seq;
    tradeDay = new Date(fill.ts).toISOString().slice(0, 10);
  });

  afterEach((t) => screenshotPages(t.name, { admin }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  test("the trade register of the trade's day downloads as CSV with the trade in it", async () => {
    await admin.goto('/admin');
    const card = admin.getByTestId('report-downloads');
    await card.getByLabel('Trade register, UTC day').fill(tradeDay);
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      card.getByRole('link', { name: 'Trade register as CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^trade-register-\d{4}-\d{2}-\d{2}-seq\d+\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    assert.match(csv, /^report,from,to,seq,seq_ts,chain_hash\r\ntrade-register,/);
    const line = csv
      .split('\r\n')
      .find((l) => l.includes(`,${tradeSeq},`) && l.includes('RAIN-NYC-YES'));
    assert.ok(line !== undefined, csv);
    assert.ok(line.includes(`,${ex.accounts.bob},`) && line.includes(`,${ex.accounts.alice},`));
  });

  test("an account's statement of the trade's month downloads as JSON", async () => {
    await admin.goto('/admin');
    const card = admin.getByTestId('report-downloads');
    await card
      .getByLabel('Statement of')
      .selectOption({ label: `alice (account ${ex.accounts.alice})` });
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      card.getByRole('link', { name: 'Statement as JSON' }).click(),
    ]);
    const statement = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
      kind: string;
      accountId: number;
      trades: { tradeId: number }[];
    };
    assert.equal(statement.kind, 'statement');
    assert.equal(statement.accountId, ex.accounts.alice);
    assert.equal(statement.trades.length, 1);
  });
});
