// End-to-end in a real browser: people log in, trade against each other, cancel, get settled, get a
// price alert, and the phone layout never scrolls sideways. One exchange and one Chromium serve the
// whole file; the steps build on each other in order, as a trading day would.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import {
  chromiumMissing,
  horizontalOverflow,
  launch,
  logIn,
  newUserPage,
  screenshot,
  screenshotPages,
  WAIT_MS,
} from './support/browser.ts';
import {
  bobSellsAliceBuys,
  MARKET,
  MARKET_2,
  PASSWORD,
  startWebExchange,
  type WebExchange,
} from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('web trading UI', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  let admin: Page;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
    bob = (await newUserPage(browser, ex.baseUrl)).page;
    admin = (await newUserPage(browser, ex.baseUrl)).page;
  });

  // The state each page was left in, for diagnosing a failed step.
  afterEach((t) => screenshotPages(t.name, { alice, bob, admin }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const ticket = (page: Page) => page.getByRole('form', { name: 'Order ticket' });

  /** A notification arrived (toasts fade; the header's list keeps them). */
  const notified = async (page: Page, text: string) => {
    const toggle = page.getByRole('button', { name: /^Notifications/ });
    await toggle.click();
    await page.getByRole('list', { name: 'Notifications' }).getByText(text).waitFor();
    await toggle.click();
  };

  test('a wrong password is refused with a clear message, the right one logs in', async () => {
    await alice.goto('/login');
    await alice.getByLabel('Username').fill('alice');
    await alice.getByLabel('Password').fill('not-the-password');
    await alice.getByRole('button', { name: 'Log in' }).click();
    await alice.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
    await logIn(alice, 'alice', PASSWORD);
    await alice.getByText('Live', { exact: true }).waitFor();
    await alice.goto('/');
    await alice.getByRole('link', { name: /Will it rain in New York City tomorrow\?/ }).waitFor();
    await screenshot(alice, 'markets');
  });

  test('a limit order shows in the ladder and in open orders', async () => {
    await alice.getByRole('link', { name: /Will it rain/ }).click();
    const t = ticket(alice);
    await t.getByLabel('Quantity (contracts)').fill('5');
    await t.getByLabel('Limit price (YES ¢)').fill('40');
    const summary = alice.getByTestId('ticket-summary');
    await summary.getByText('$2.00').waitFor(); // cost: 5 × 40¢
    await summary.getByText('$5.00').waitFor(); // max payout: 5 × $1
    await t.getByRole('button', { name: 'Buy YES' }).click();
    const bids = alice.getByTestId('yes-bids');
    await bids.getByRole('button', { name: '40¢, 5 contracts' }).waitFor();
    const open = alice.getByTestId('open-orders');
    await open.getByRole('row').filter({ hasText: '40¢' }).filter({ hasText: 'Buy YES' }).waitFor();
    await screenshot(alice, 'market-order-resting');
  });

  test('a second user crosses it: both see the fill, their positions and balances', async () => {
    await logIn(bob, 'bob', PASSWORD);
    await bob.goto(`/markets/${MARKET}`);
    // Bob's ladder shows Alice's bid as the best NO price: 100¢ − 40¢.
    await bob.getByTestId('no-bids').or(bob.getByTestId('yes-bids')).first().waitFor();
    await bob.getByTestId('yes-bids').getByRole('button', { name: '40¢, 5 contracts' }).waitFor();
    const t = ticket(bob);
    await t.getByRole('button', { name: 'NO', exact: true }).click();
    await t.getByLabel('Quantity (contracts)').fill('3');
    await t.getByLabel('Limit price (NO ¢)').fill('60');
    const summary = bob.getByTestId('ticket-summary');
    await summary.getByText('$1.80').waitFor(); // cost: 3 × 60¢
    await summary.getByText('$3.00').waitFor(); // max payout
    await summary.getByText('$0.06').waitFor(); // 7% × 3 × 0.4 × 0.6 = 5.04¢, rounded up to a cent
    await t.getByRole('button', { name: 'Buy NO' }).click();

    // Both are told about the fill and see their positions.
    await notified(bob, `Filled: Buy NO 3 ${MARKET} @ 60¢`);
    await notified(alice, `Filled: Buy YES 3 ${MARKET} @ 40¢`);
    await bob.getByTestId('my-position').getByText('3 NO').waitFor();
    await alice.getByTestId('my-position').getByText('3 YES').waitFor();
    await alice.getByTestId('yes-bids').getByRole('button', { name: '40¢, 2 contracts' }).waitFor();
    await alice
      .getByTestId('trade-tape')
      .getByRole('row')
      .filter({ hasText: '40¢' })
      .first()
      .waitFor();
    // Alice's chart loaded no history (nothing had traded): its bar comes from the candles channel.
    await alice.getByRole('img', { name: 'Price chart, 1m candles, 1 bars' }).waitFor();
    await alice
      .getByTestId('open-orders')
      .getByRole('row')
      .filter({ hasText: 'Buy YES' })
      .filter({ has: alice.getByRole('cell', { name: '2', exact: true }) })
      .waitFor();
    await screenshot(alice, 'market-after-fill');

    await bob.goto('/portfolio');
    // $1,000 − 3 × 60¢ − 6¢ fee; nothing left reserved.
    await bob.getByTestId('cash-available').getByText('$998.14').waitFor();
    await bob
      .getByTestId('positions')
      .getByRole('row')
      .filter({ hasText: MARKET })
      .filter({ hasText: '3 NO' })
      .waitFor();
    await alice.goto('/portfolio');
    await alice.getByTestId('positions').getByRole('row').filter({ hasText: '3 YES' }).waitFor();
    const cash = await alice.getByTestId('cash-available').textContent();
    assert.notEqual(cash, '$1,000.00');
    await alice.getByRole('tab', { name: 'Fills' }).click();
    await alice
      .getByTestId('history-fills')
      .getByRole('row')
      .filter({ hasText: 'maker' })
      .waitFor();
    await screenshot(alice, 'portfolio');
  });

  test('amending an order changes it in place; cancelling asks first, then removes it', async () => {
    await alice.goto(`/markets/${MARKET}`);
    const open = alice.getByTestId('open-orders');
    await open.getByRole('button', { name: 'Amend' }).click();
    const amend = alice.getByRole('form', { name: /^Amend order/ });
    await amend.getByLabel('Price').fill('39');
    await amend.getByLabel('Size').fill('1');
    await amend.getByRole('button', { name: 'Save' }).click();
    await alice.getByTestId('yes-bids').getByRole('button', { name: '39¢, 1 contract' }).waitFor();
    await open.getByRole('row').filter({ hasText: '39¢' }).filter({ hasText: 'Buy YES' }).waitFor();
    await open.getByRole('button', { name: /^Cancel order/ }).click();
    const dialog = alice.getByRole('dialog');
    await dialog.getByText('Cancel order?').waitFor();
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await open.waitFor(); // still there after backing out
    await open.getByRole('button', { name: /^Cancel order/ }).click();
    await alice.getByRole('dialog').getByRole('button', { name: 'Cancel order' }).click();
    await alice.getByText('No open orders.').waitFor();
    await alice.getByTestId('yes-bids').getByText('No orders').waitFor();
  });

  test('a price alert (kept on the exchange) fires live when the market trades through its level', async () => {
    await alice.goto('/alerts');
    const form = alice.getByRole('form', { name: 'New alert' });
    await form.getByRole('combobox', { name: /^Market/ }).selectOption(MARKET_2);
    await form.getByLabel('Direction').selectOption('above');
    await form.getByLabel('Price (¢)').fill('55');
    await form.getByRole('button', { name: 'Add alert' }).click();
    await alice.getByTestId('alert-state').getByText('Watching').waitFor();
    // Bob sells and Alice buys one contract at 55¢ through the API's engine commands.
    await bobSellsAliceBuys(ex, 2, 5_500);
    await notified(alice, `${MARKET_2} traded at 55¢, at or above 55¢`);
    await alice
      .getByTestId('alert-state')
      .getByText(/^Fired .*: .* traded at 55¢/)
      .waitFor();
    await screenshot(alice, 'alerts');
  });

  test('the ticket and a cancel work from the keyboard alone', async () => {
    await alice.goto(`/markets/${MARKET_2}`);
    await ticket(alice).getByLabel('Quantity (contracts)').focus();
    await alice.keyboard.press('ControlOrMeta+a');
    await alice.keyboard.type('2');
    await alice.keyboard.press('Tab');
    await alice.keyboard.type('30');
    await alice.keyboard.press('Enter');
    const open = alice.getByTestId('open-orders');
    await open.getByRole('row').filter({ hasText: '30¢' }).waitFor();
    await open.getByRole('button', { name: /^Cancel order/ }).focus();
    await alice.keyboard.press('Enter');
    // The dialog opens on its safe choice; Enter there would only back out.
    const dialog = alice.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).waitFor();
    assert.equal(await alice.evaluate('document.activeElement.textContent'), 'Cancel');
    await alice.keyboard.press('Tab');
    await alice.keyboard.press('Enter');
    await alice.getByText('No open orders.').waitFor();
  });

  test('a dropped connection shows, reconnects and resubscribes', async () => {
    const { context, page } = await newUserPage(browser, ex.baseUrl);
    // Keep a handle on the page's sockets so the test can cut the connection from the client side.
    await page.addInitScript(`{
      const Native = window.WebSocket;
      window.__sockets = [];
      window.WebSocket = class extends Native {
        constructor(...args) { super(...args); window.__sockets.push(this); }
      };
    }`);
    // Candles that close while the socket is down are never sent: the chart reloads its history.
    const isHistory = (r: { url(): string }) => r.url().includes(`/markets/${MARKET_2}/candles`);
    let historyLoads = 0;
    page.on('request', (r) => {
      if (isHistory(r)) historyLoads++;
    });
    // The chart takes a candles snapshot after its first as the sign of a reconnect, so the connection
    // is cut only once the first has arrived (cut sooner, the replayed one would count as the first).
    let candleSnapshots = 0;
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const m = typeof payload === 'string' ? JSON.parse(payload) : undefined;
        if (m?.channel === 'candles' && m.type === 'snapshot') candleSnapshots++;
      }),
    );
    const loaded = page.waitForRequest(isHistory);
    await page.goto(`/markets/${MARKET_2}`);
    const badge = page.getByTestId('connection');
    await badge.getByText('Live').waitFor();
    await loaded;
    assert.equal(historyLoads, 1);
    for (const end = Date.now() + WAIT_MS; candleSnapshots === 0; await sleep(20)) {
      assert.ok(Date.now() < end, 'no candles snapshot arrived');
    }
    const reloaded = page.waitForRequest(isHistory);
    await page.evaluate('for (const s of window.__sockets) s.close()');
    await badge.getByText('Reconnecting…').waitFor();
    await badge.getByText('Live').waitFor();
    await reloaded;
    assert.equal(historyLoads, 2);
    await ex.gateway.services.submit({
      type: 'placeOrder',
      accountId: ex.accounts.bob!,
      instrumentId: 2,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 2_100,
      qtyLots: 700,
      tif: 'gtc',
    } as Parameters<typeof ex.gateway.services.submit>[0]);
    await page.getByTestId('yes-bids').getByRole('button', { name: '21¢, 7 contracts' }).waitFor();
    await context.close();
  });

  test('an admin settles the market and the winner is paid', async () => {
    await logIn(admin, 'admin', PASSWORD);
    await admin.goto('/admin');
    const row = admin.getByTestId('admin-markets').locator(`tr[data-market="${MARKET}"]`);
    await row.getByRole('button', { name: 'Close', exact: true }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Close market' }).click();
    await row.getByText('closed').waitFor();
    await screenshot(admin, 'admin');
    await row.getByRole('button', { name: 'Settle YES' }).click();
    await admin
      .getByRole('dialog')
      .getByText(/YES holders are paid \$1\.00 per contract/)
      .waitFor();
    await admin.getByRole('dialog').getByRole('button', { name: 'Settle YES' }).click();
    await notified(admin, `${MARKET} settled YES; 2 accounts paid`);

    await alice.goto('/portfolio');
    await alice.getByRole('tab', { name: 'Settlements' }).click();
    const settled = alice
      .getByTestId('history-settlements')
      .getByRole('row')
      .filter({ hasText: MARKET });
    await settled.filter({ hasText: 'YES' }).filter({ hasText: '$3.00' }).waitFor();
    await alice.getByTestId('positions').getByRole('row').filter({ hasText: '+$1.80' }).waitFor();
    await screenshot(alice, 'portfolio-settled');
  });

  test('an API key is shown once on creation and can be revoked', async () => {
    await alice.goto('/account');
    const form = alice.getByRole('form', { name: 'New API key' });
    await form.getByLabel('Label').fill('my bot');
    await form.getByRole('button', { name: 'Create key' }).click();
    const secret = alice.getByLabel('Private key');
    await secret.waitFor();
    assert.match(await secret.inputValue(), /^-----BEGIN PRIVATE KEY-----/);
    await alice.getByRole('button', { name: 'I have saved it' }).click();
    assert.equal(await alice.getByLabel('Private key').count(), 0);
    const row = alice.getByTestId('api-keys').getByRole('row').filter({ hasText: 'my bot' });
    await row.getByText('active').waitFor();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await alice.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await row.getByText(/^revoked/).waitFor();
  });

  test('an admin halt shows on every trader’s screen until trading resumes', async () => {
    await admin.goto('/admin');
    await alice.goto('/portfolio');
    const banner = alice.getByRole('alert').filter({ hasText: 'Trading is halted' });
    assert.equal(await banner.count(), 0);
    await admin.getByRole('button', { name: 'Halt trading' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Halt exchange' }).click();
    await admin.getByText('Halted.', { exact: true }).waitFor();
    await banner.waitFor();
    await screenshot(alice, 'halted');
    await admin.getByRole('button', { name: 'Resume trading' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
    await banner.waitFor({ state: 'detached' });
  });

  test('an admin lists a new event contract and it opens for trading', async () => {
    await admin.goto('/admin');
    const form = admin.getByRole('form', { name: 'Create market' });
    await form.getByLabel('Series ticker').fill('ELECTION');
    await form.getByLabel('Event ticker').fill('ELECTION-MAYOR');
    await form.getByLabel('Question').fill('Will the incumbent win the mayoral race?');
    await form.getByLabel('Symbol').fill('MAYOR-INC');
    await form.getByRole('button', { name: 'Create' }).click();
    await admin
      .getByTestId('admin-markets')
      .locator('tr[data-market="MAYOR-INC"]')
      .getByText('open')
      .waitFor();
    await alice.goto('/');
    await alice.getByRole('heading', { name: 'ELECTION-MAYOR' }).waitFor();
    await alice.getByRole('link', { name: /Will the incumbent win the mayoral race\?/ }).click();
    await ticket(alice).getByRole('button', { name: 'Buy YES' }).waitFor();
    assert.equal(await ticket(alice).getByRole('button', { name: 'Buy YES' }).isEnabled(), true);
  });

  test('the operations page reads live metrics', async () => {
    await admin.goto('/ops');
    await admin
      .getByTestId('ops-throughput')
      .getByText(/cmd\/s$/)
      .waitFor();
    await admin
      .getByTestId('ops-connections')
      .filter({ hasText: /^[1-9]/ })
      .waitFor();
    await admin
      .getByTestId('ops-cluster-mode')
      .getByText(/Single-process mode/)
      .waitFor();
    await screenshot(admin, 'operations');
  });

  test('on a phone-sized screen nothing scrolls sideways', async () => {
    const { context, page } = await newUserPage(browser, ex.baseUrl, { width: 390, height: 844 });
    await logIn(page, 'bob', PASSWORD);
    for (const [path, name] of [
      ['/', 'phone-markets'],
      [`/markets/${MARKET_2}`, 'phone-market'],
      ['/portfolio', 'phone-portfolio'],
      ['/admin', 'phone-admin-denied'],
    ] as const) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      assert.equal(await horizontalOverflow(page), 0, `${path} scrolls sideways`);
      await screenshot(page, name);
    }
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Portfolio' }).click();
    await page.getByRole('heading', { name: 'Portfolio' }).waitFor();
    await context.close();
  });
});
