// Refreshes the README screenshots from a running exchange (best with the demo bots trading for a few
// minutes so the charts have history): desktop markets, market, portfolio, admin, operations, and the
// phone-sized market page. The market and portfolio are a trader's, who is created with $1,000 and
// trades a little first (buys YES at the best ask, sells part back at the best bid), so they show a
// position, its P&L and fees, and the fills on the chart.
//
//   node apps/web/scripts/capture-screenshots.ts <baseUrl> <admin password> [outDir]

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { launch, logIn, newUserPage } from '../test/support/browser.ts';

const [
  baseUrl,
  password,
  out = fileURLToPath(new URL('../../../docs/screenshots', import.meta.url)),
] = process.argv.slice(2);
if (baseUrl === undefined || password === undefined) {
  throw new Error('usage: capture-screenshots.ts <baseUrl> <admin password> [outDir]');
}
mkdirSync(out, { recursive: true });
const browser = await launch();

/** A JSON request from a logged-in page's session (cookie and CSRF header). */
async function call(page: Page, method: string, path: string, body?: unknown): Promise<unknown> {
  const me = (await (await page.request.get('/api/v1/account')).json()) as { csrfToken: string };
  const r = await page.request.fetch(path, {
    method,
    headers: { 'x-csrf-token': me.csrfToken },
    ...(body === undefined ? {} : { data: body }),
  });
  if (!r.ok()) throw new Error(`${method} ${path}: ${r.status()} ${await r.text()}`);
  return r.json();
}

/** A new trader with $1,000, logged in on a page of its own. */
async function newTrader(admin: Page, url: string): Promise<Page> {
  const username = `trader-${randomBytes(3).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const user = (await call(admin, 'POST', '/api/v1/admin/users', {
    username,
    role: 'trader',
    password,
  })) as { userId: number };
  await call(admin, 'POST', '/api/v1/admin/deposits', {
    userId: user.userId,
    asset: 'USD',
    amount: 1_000_000_000,
  });
  const { page } = await newUserPage(browser, url, { width: 1440, height: 960 });
  await logIn(page, username, password);
  return page;
}

/** Buys 5 YES at the best ask, then sells 2 back at the best bid (both fill at once or not at all). */
async function trade(page: Page, market: string): Promise<void> {
  const quote = async () =>
    (await call(page, 'GET', `/api/v1/markets/${market}`)) as {
      bestBidTicks: number | null;
      bestAskTicks: number | null;
    };
  const ask = (await quote()).bestAskTicks;
  if (ask !== null) {
    const order = { market, side: 'buy', type: 'limit', priceTicks: ask, qtyLots: 500, tif: 'ioc' };
    await call(page, 'POST', '/api/v1/orders', order);
  }
  await page.waitForTimeout(5_000);
  const bid = (await quote()).bestBidTicks;
  if (bid !== null) {
    const order = {
      market,
      side: 'sell',
      type: 'limit',
      priceTicks: bid,
      qtyLots: 200,
      tif: 'ioc',
    };
    await call(page, 'POST', '/api/v1/orders', order);
  }
}
try {
  const { page } = await newUserPage(browser, baseUrl, { width: 1440, height: 960 });
  await logIn(page, 'admin', password);
  const symbols = (await (await fetch(`${baseUrl}/api/v1/markets`)).json()) as {
    items: { market: string; kind: string }[];
  };
  const binary = symbols.items.find((m) => m.kind === 'binary')?.market;
  if (binary === undefined) throw new Error('no binary market to show');
  const trader = await newTrader(page, baseUrl);
  await trade(trader, binary);
  const shots: [Page, string, string, boolean][] = [
    [page, '/', 'markets', false],
    [trader, `/markets/${binary}`, 'market', false],
    [trader, '/portfolio', 'portfolio', false],
    [page, '/admin', 'admin', true],
    [page, '/ops', 'operations', false],
  ];
  for (const [who, path, name, full] of shots) {
    await who.goto(path);
    await who.locator('main h1').first().waitFor();
    await who.waitForTimeout(3_000);
    await who.screenshot({ path: join(out, `${name}.png`), fullPage: full });
  }
  const phone = await newUserPage(browser, baseUrl, { width: 390, height: 844 });
  await logIn(phone.page, 'admin', password);
  await phone.page.goto(`/markets/${binary}`);
  await phone.page.locator('main h1').first().waitFor();
  await phone.page.waitForTimeout(3_000);
  await phone.page.screenshot({ path: join(out, 'phone-market.png'), fullPage: true });
} finally {
  await browser.close();
}
