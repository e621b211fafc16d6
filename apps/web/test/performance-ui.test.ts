// Performance on the portfolio page, in a real browser: alice and bob trade over several past minutes
// (the core's clock steps a minute at a time), one market settles, and alice's portfolio shows the
// server's value and P&L chart, the range's P&L, fees, win rate and max drawdown exactly as the read
// models report them, the per-market and per-event breakdowns, and a CSV download of the same report.
// A new fill shows without a reload, also one made before the page's live feed was subscribed; the
// value samples older versions kept in the browser's localStorage are removed.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { usd, usdSigned } from '../ui/format/units.ts';
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
  USD,
  type WebExchange,
} from './support/web-exchange.ts';

const skip = chromiumMissing();
const MINUTE = 60_000;

const pnlOf = (page: Page) => page.getByTestId('performance').getByTestId('performance-pnl');

describe('performance on the portfolio page', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;
  // Commands are stamped from an hour ago, a minute apart, so the series has several buckets.
  let now = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;

  const cross = async (instrumentId: number, buyer: string, seller: string, price: number) => {
    const s = ex.gateway.services;
    const order = { type: 'placeOrder', instrumentId, orderType: 'limit', tif: 'gtc' } as const;
    const base = { ...order, priceTicks: price, qtyLots: 200 };
    await s.submit({ ...base, accountId: ex.accounts[buyer]!, side: 'buy' });
    await s.submit({ ...base, accountId: ex.accounts[seller]!, side: 'sell' });
  };

  /** Alice's performance report as the read models hold it now (over all time, or since `fromTs`). */
  const report = (fromTs?: number) =>
    ex.gateway.services.core.readModels.performance({
      accountId: ex.accounts.alice!,
      assetId: USD,
      ...(fromTs === undefined ? {} : { fromTs }),
      toTs: Date.now(),
    });

  /**
   * Once `page` shows alice's P&L, she sells snow as the taker (she pays a fee, so her P&L falls by
   * it); returns the P&L the page must come to.
   */
  const sellOnceShown = async (page: Page): Promise<string> => {
    const before = await report();
    await pnlOf(page)
      .filter({ hasText: usdSigned(before.stats.pnl) })
      .waitFor();
    now += MINUTE;
    await cross(2, 'bob', 'alice', 5_000);
    await ex.gateway.services.historyBarrier();
    const after = await report();
    assert.ok(after.stats.pnl < before.stats.pnl);
    return usdSigned(after.stats.pnl);
  };

  before(async () => {
    ex = await startWebExchange({}, () => now);
    now += MINUTE;
    await cross(1, 'alice', 'bob', 4_000);
    now += MINUTE;
    await cross(1, 'bob', 'alice', 5_500);
    await cross(2, 'alice', 'bob', 3_000);
    now += MINUTE;
    await cross(2, 'bob', 'alice', 2_000);
    await cross(1, 'alice', 'bob', 6_000);
    now += MINUTE;
    const s = ex.gateway.services;
    await s.submit({ type: 'setMarketStatus', instrumentId: 1, status: 'closed' });
    await s.submit({ type: 'settleMarket', instrumentId: 1, result: 'yes' });
    now += MINUTE;
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
  });

  afterEach((t) => screenshotPages(t.name, { alice }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  test('the chart, the figures and the breakdowns are the read models’ report', async () => {
    await logIn(alice, 'alice', PASSWORD);
    const me = (await alice.evaluate(() => fetch('/api/v1/account').then((r) => r.json()))) as {
      userId: number;
    };
    const oldKey = `bourse.value-history.v1.${me.userId}`;
    await alice.evaluate((k) => localStorage.setItem(k, '[{"ts":1,"value":2,"pnl":3}]'), oldKey);
    await alice.goto('/portfolio');
    const section = alice.getByTestId('performance');
    await section.getByTestId('performance-chart').waitFor();
    assert.ok((await section.getByTestId('performance-chart').locator('canvas').count()) > 0);
    const r = await report();
    assert.ok(r.points.length >= 5, `${r.points.length} points`);
    const s = r.stats;
    assert.ok(s.feesPaid > 0);
    const text = (id: string) => section.getByTestId(id).textContent();
    assert.equal(await text('performance-pnl'), usdSigned(s.pnl));
    assert.equal(await text('performance-realised'), usdSigned(s.realisedPnl - s.feesPaid));
    assert.equal(await text('performance-drawdown'), usd(s.maxDrawdown));
    // Rain settled YES with alice long: a closed market, won; snow was bought at 30¢ and sold at 20¢.
    assert.deepEqual([s.closedMarkets, s.wins, s.winRateBps], [2, 1, 5_000]);
    assert.equal(await text('performance-win-rate'), '50.0%');
    await section.getByText(`${usd(s.feesPaid)} fees paid`).waitFor();
    const rows = section.getByTestId('performance-markets').getByRole('row');
    const rain = rows.filter({ hasText: MARKET });
    await rain.getByText('win').waitFor();
    await rain.getByText('settled').waitFor();
    const rainPnl = r.markets.find((m) => m.symbol === MARKET)!.pnl;
    await rain.getByText(usdSigned(rainPnl)).waitFor();
    await rows.filter({ hasText: MARKET_2 }).getByText('loss').waitFor();
    const events = section.getByTestId('performance-events').getByRole('row');
    await events
      .filter({ hasText: 'WEATHER-NYC' })
      .getByText(usdSigned(r.events[0]!.pnl))
      .waitFor();
    assert.equal(await alice.evaluate((k) => localStorage.getItem(k), oldKey), null);
  });

  test('the CSV download holds the same report', async () => {
    const section = alice.getByTestId('performance');
    const [download] = await Promise.all([
      alice.waitForEvent('download'),
      section.getByRole('link', { name: 'Performance as CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^performance-\d+-seq\d+\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    assert.match(csv, /^report,account_id,asset_id,interval,from,to,seq,seq_ts\r\nperformance,/);
    const r = await report();
    const stats = csv.split('\r\n\r\n')[1]!.split('\r\n');
    assert.equal(stats[1]!.split(',')[3], String(r.stats.pnl));
    assert.ok(csv.includes(`\r\n${MARKET},1,binary,WEATHER-NYC,`));
  });

  test('a shorter range keeps the figures on screen', async () => {
    const section = alice.getByTestId('performance');
    await section.getByRole('button', { name: '1D' }).click();
    await section.getByRole('button', { name: '1D', pressed: true }).waitFor();
    await section.getByTestId('performance-chart').waitFor();
    const r = await report(Date.now() - 86_400_000);
    assert.equal(
      await section.getByTestId('performance-pnl').textContent(),
      usdSigned(r.stats.pnl),
    );
  });

  test('a new fill changes the figures without a reload', async () => {
    await alice.goto('/portfolio');
    const after = await sellOnceShown(alice);
    await pnlOf(alice).filter({ hasText: after }).waitFor();
  });

  test('a fill made before the page’s live feed is on shows without a reload', async () => {
    // The page's private subscriptions reach the server only once the fill is made (as when a fill
    // lands between the page's first loads and the socket's subscriptions): no update carries it.
    const page = (await newUserPage(browser, ex.baseUrl)).page;
    await logIn(page, 'alice', PASSWORD);
    const held: (() => void)[] = [];
    let holding = true;
    const PRIVATE = /"channel":"(orders|fills|balances|positions)"/;
    await page.routeWebSocket('**/api/v1/ws', (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        if (holding && PRIVATE.test(String(m))) held.push(() => server.send(m));
        else server.send(m);
      });
    });
    await page.goto('/portfolio');
    const after = await sellOnceShown(page);
    assert.ok(held.length > 0, 'the private subscriptions were held');
    holding = false;
    for (const send of held.splice(0)) send();
    await pnlOf(page).filter({ hasText: after }).waitFor();
    await page.context().close();
  });

  test('on a phone the section fits the width', async () => {
    const phone = (await newUserPage(browser, ex.baseUrl, { width: 390, height: 844 })).page;
    await logIn(phone, 'alice', PASSWORD);
    await phone.goto('/portfolio');
    await phone.getByTestId('performance-chart').waitFor();
    await phone.getByTestId('performance-markets').waitFor();
    assert.equal(await horizontalOverflow(phone), 0);
    await screenshot(phone, 'performance-phone');
  });
});
