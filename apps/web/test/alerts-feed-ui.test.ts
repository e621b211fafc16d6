// The in-app list of fired alerts in a real browser, when an alert fires between the list's load and
// the moment the server subscribes the page's socket to `notifications` (a page that just opened, or
// a socket that just reconnected after an outage): no update carries that firing, so the list must
// load again once the subscription is confirmed. The page's subscription is held back here until the
// alert has fired on the server, so the test fails without that rule whatever the timing.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../../../packages/alerts/test/support/receivers.ts';
import { Session } from './support/alerts-server.ts';
import { chromiumMissing, launch, logIn, newUserPage, screenshotPages } from './support/browser.ts';
import { MARKET, PASSWORD, startWebExchange, type WebExchange } from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('the in-app alert list and its live feed', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  /** Bob rests a sell of one contract at `cents`, Alice lifts it. */
  const trade = async (cents: number) => {
    const s = ex.gateway.services;
    for (const [name, side] of [
      ['bob', 'sell'],
      ['alice', 'buy'],
    ] as const) {
      await s.submit({
        type: 'placeOrder',
        accountId: ex.accounts[name]!,
        instrumentId: 1,
        side,
        orderType: 'limit',
        priceTicks: cents * 100,
        qtyLots: 100,
        tif: 'gtc',
      } as Parameters<typeof s.submit>[0]);
    }
  };

  const shown = async (page: Page): Promise<string[]> => {
    const bell = page.getByRole('button', { name: /^Notifications/ });
    if ((await bell.getAttribute('aria-expanded')) !== 'true') await bell.click();
    return page.locator('#notification-list li.alert').allTextContents();
  };

  test('an alert that fires before the page’s subscription takes effect shows without a reload', async (t) => {
    const alice = await new Session(() => ex.baseUrl).login('alice');
    const { page } = await newUserPage(browser, ex.baseUrl);
    t.after(async () => {
      await screenshotPages(t.name, { alice: page });
      await page.context().close();
    });
    const held: (() => void)[] = [];
    let holding = true;
    await page.routeWebSocket('**/api/v1/ws', (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        if (holding && /"channel":"notifications"/.test(String(m))) held.push(() => server.send(m));
        else server.send(m);
      });
    });
    await logIn(page, 'alice', PASSWORD);
    await page.goto('/');
    await eventually(() => held.length > 0, 'the page asking for notifications');
    // The page has loaded its list (empty) by the time its socket asks for the channel.
    assert.deepEqual(await shown(page), []);

    const alert = await alice.call<{ alertId: number }>('POST', '/api/v1/alerts', {
      kind: 'priceCross',
      market: MARKET,
      direction: 'above',
      priceTicks: 6_000,
      channels: ['inApp'],
    });
    await trade(61);
    await eventually(
      async () =>
        (
          await alice.call<{ items: { alertId: number; state: string }[] }>('GET', '/api/v1/alerts')
        ).items.some((a) => a.alertId === alert.alertId && a.state === 'fired'),
      'the alert fired on the server',
    );
    holding = false;
    for (const send of held.splice(0)) send();
    await eventually(async () => (await shown(page)).length === 1, 'the alert in the list');
  });
});
