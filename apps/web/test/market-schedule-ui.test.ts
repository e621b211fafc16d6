// Market schedules in a real browser: an admin schedules a market to close a few seconds ahead from the
// admin console, the trader's market page shows when (local time and a countdown), and when the time
// comes, with nothing else happening, the trader's screen shows the market closed and her resting
// order gone, without a reload. A close in the past is refused with the server's reason and changes
// nothing; a schedule can be cleared; a market that has not opened gets an opening too, and clearing
// one half of its schedule keeps the other; on a phone it all fits. One exchange and one Chromium serve
// the whole file; the steps build on each other in order.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
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
  binary,
  MARKET,
  MARKET_2,
  PASSWORD,
  startWebExchange,
  type WebExchange,
} from './support/web-exchange.ts';

const skip = chromiumMissing();
/** Listed but never opened. */
const UNOPENED = 'HAIL-NYC-YES';
/** How far ahead the close is set: room for the trader's market list (refreshed every 5 s) to hear. */
const CLOSE_AHEAD_MS = 15_000;
const HOUR = 3_600_000;

interface MarketView {
  readonly status: string;
  readonly opensAt: number | null;
  readonly closesAt: number | null;
}

describe('market schedules', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;
  let admin: Page;

  before(async () => {
    ex = await startWebExchange();
    await ex.gateway.services.submit({
      type: 'createInstrument',
      spec: binary(3, UNOPENED, 'Will it hail in New York City this month?'),
    });
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
    admin = (await newUserPage(browser, ex.baseUrl)).page;
    await logIn(admin, 'admin', PASSWORD);
  });

  afterEach((t) => screenshotPages(t.name, { alice, admin }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const market = async (symbol: string): Promise<MarketView> => {
    const res = await fetch(`${ex.baseUrl}/api/v1/markets/${symbol}`);
    assert.equal(res.status, 200);
    return (await res.json()) as MarketView;
  };
  const adminRow = (symbol: string) =>
    admin.getByTestId('admin-markets').locator(`tr[data-market="${symbol}"]`);
  /** A time as the admin types it: the browser's own local time zone, to the second. */
  const typed = (ms: number) =>
    admin.evaluate((t) => {
      const d = new Date(t);
      const two = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
    }, ms);
  const schedule = async (symbol: string, field: 'Open at' | 'Close at', ms: number) => {
    const row = adminRow(symbol);
    await row.getByLabel(field).fill(await typed(ms));
    const button = field === 'Open at' ? 'Schedule opening' : 'Schedule close';
    await row.getByRole('button', { name: button, exact: true }).click();
  };
  /** The <time> element showing exactly this instant. */
  const shown = (within: Page | Locator, ms: number) =>
    within.locator(`time[datetime="${new Date(ms).toISOString()}"]`);
  /** A notification arrived (toasts fade; the header's list keeps them). */
  const notified = async (page: Page, text: string) => {
    const toggle = page.getByRole('button', { name: /^Notifications/ });
    await toggle.click();
    await page.getByRole('list', { name: 'Notifications' }).getByText(text).waitFor();
    await toggle.click();
  };

  test('a close scheduled a few seconds ahead shows, then closes the market on screen', async () => {
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    const ticket = alice.getByRole('form', { name: 'Order ticket' });
    await ticket.getByLabel('Quantity (contracts)').fill('2');
    await ticket.getByLabel('Limit price (YES ¢)').fill('40');
    await ticket.getByRole('button', { name: 'Buy YES' }).click();
    const resting = alice.getByTestId('open-orders').getByRole('row').filter({ hasText: '40¢' });
    await resting.waitFor();
    assert.equal(await alice.getByTestId('market-closes').count(), 0, 'nothing scheduled yet');
    // Marks this document: still there at the end means the page was never reloaded.
    await alice.evaluate('window.__sameDocument = true');

    await admin.goto('/admin');
    const closesAt = Math.ceil((Date.now() + CLOSE_AHEAD_MS) / 1_000) * 1_000;
    await schedule(MARKET, 'Close at', closesAt);
    await shown(adminRow(MARKET), closesAt).waitFor();
    await adminRow(MARKET)
      .getByText(/^closes in \d/)
      .waitFor();
    assert.equal((await market(MARKET)).closesAt, closesAt);

    // The trader's header picks the time up with the market list, in her local time with a countdown.
    const closes = alice.getByTestId('market-closes');
    await shown(closes, closesAt).waitFor();
    await closes.getByText(/^closes in \d+ s$/).waitFor();
    const text = await closes.innerText();
    assert.match(text, /^Closes\s/i);
    await screenshot(alice, 'schedule-closing-soon');

    // Nothing else happens; the server closes the market on time and the ticker tells the page.
    const header = alice.locator('.market-head');
    await header.getByText('closed', { exact: true }).waitFor();
    assert.ok(Date.now() >= closesAt, 'closed before its time');
    await ticket.getByText('The market is closed.').waitFor();
    await resting.waitFor({ state: 'detached' });
    assert.equal(await closes.count(), 0, 'a closed market shows no closing time');
    assert.equal(await alice.evaluate('window.__sameDocument'), true, 'the page was reloaded');
    await screenshot(alice, 'schedule-closed');
    const after = await market(MARKET);
    assert.deepEqual([after.status, after.closesAt], ['closed', null]);
  });

  test('a close in the past is refused with the server’s reason and changes nothing', async () => {
    await admin.goto('/admin');
    const state = () => ex.gateway.services.core.query.stateHash();
    const before = await state();
    await schedule(MARKET_2, 'Close at', Date.now() - 60_000);
    await notified(admin, 'That time has already passed. Choose a time in the future.');
    assert.equal(await adminRow(MARKET_2).locator('time').count(), 0);
    const v = await market(MARKET_2);
    assert.deepEqual([v.status, v.opensAt, v.closesAt], ['open', null, null]);
    assert.equal((await state()).hash, before.hash, 'the refused schedule changed the exchange');
  });

  test('a scheduled close can be cleared', async () => {
    const closesAt = Math.ceil((Date.now() + HOUR) / 1_000) * 1_000;
    await schedule(MARKET_2, 'Close at', closesAt);
    const row = adminRow(MARKET_2);
    await shown(row, closesAt).waitFor();
    assert.equal((await market(MARKET_2)).closesAt, closesAt);
    await row.getByRole('button', { name: 'Clear scheduled close' }).click();
    await shown(row, closesAt).waitFor({ state: 'detached' });
    assert.equal(await row.getByRole('button', { name: /^Clear/ }).count(), 0);
    assert.equal((await market(MARKET_2)).closesAt, null);
  });

  test('a market that has not opened gets an opening and a close; clearing one keeps the other', async () => {
    const row = adminRow(UNOPENED);
    const opensAt = Math.ceil((Date.now() + 2 * HOUR) / 1_000) * 1_000;
    const closesAt = opensAt + 2 * HOUR;
    await schedule(UNOPENED, 'Open at', opensAt);
    await shown(row, opensAt).waitFor();
    // A close before the opening is refused, in words, and the opening stays.
    await schedule(UNOPENED, 'Close at', opensAt - 60_000);
    await notified(admin, 'The close must be after the opening.');
    await schedule(UNOPENED, 'Close at', closesAt);
    await shown(row, closesAt).waitFor();
    assert.deepEqual(
      (({ status, opensAt: o, closesAt: c }) => ({ status, o, c }))(await market(UNOPENED)),
      { status: 'created', o: opensAt, c: closesAt },
    );
    await screenshot(admin, 'schedule-admin');

    await alice.goto(`/markets/${UNOPENED}`);
    await shown(alice.getByTestId('market-opens'), opensAt).waitFor();
    await alice
      .getByTestId('market-opens')
      .getByText(/^opens in [12] h( \d+ min)?$/)
      .waitFor();
    await shown(alice.getByTestId('market-closes'), closesAt).waitFor();
    await alice
      .getByTestId('market-closes')
      .getByText(/^closes in [34] h( \d+ min)?$/)
      .waitFor();

    await row.getByRole('button', { name: 'Clear scheduled opening' }).click();
    await shown(row, opensAt).waitFor({ state: 'detached' });
    await shown(row, closesAt).waitFor();
    const cleared = await market(UNOPENED);
    assert.deepEqual(
      [cleared.status, cleared.opensAt, cleared.closesAt],
      ['created', null, closesAt],
    );
  });

  test('on a phone the scheduled times fit without sideways scrolling', async () => {
    for (const [who, path] of [
      ['alice', `/markets/${UNOPENED}`],
      ['admin', '/admin'],
    ] as const) {
      const { context, page } = await newUserPage(browser, ex.baseUrl, { width: 390, height: 844 });
      await logIn(page, who, PASSWORD);
      await page.goto(path);
      await page.locator('time').first().waitFor();
      assert.equal(await horizontalOverflow(page), 0, `${path} scrolls sideways`);
      await screenshot(page, `phone-schedule-${who}`);
      await context.close();
    }
  });
});
