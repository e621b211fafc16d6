// What changes between a screen's REST load and the moment the server subscribes the page's socket to
// the channel that carries later changes (a page that just opened, or a socket that just reconnected
// after an outage) reaches no update: the screen must load again once the subscription is confirmed.
// In a real browser, for each screen that loads over REST and then listens: the in-app list of fired
// alerts, a market's news, and a market's trade tape. The page's subscription is held back until the
// change is stored on the server, so each test fails without that rule whatever the timing.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { NewsStore } from '@bourse/news';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../../../packages/alerts/test/support/receivers.ts';
import { Session } from './support/alerts-server.ts';
import { chromiumMissing, launch, logIn, newUserPage, screenshotPages } from './support/browser.ts';
import {
  bobSellsAliceBuys,
  MARKET,
  PASSWORD,
  startWebExchange,
  type WebExchange,
} from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('screens that load, then listen: a change before the subscription takes effect', {
  skip,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-web-late-sub-'));
  let news: NewsStore;
  let ex: WebExchange;
  let browser: Browser;

  before(async () => {
    news = await NewsStore.open({ kind: 'sqlite', path: join(dir, 'news.db') });
    ex = await startWebExchange({ news });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await ex?.close();
    await news?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One contract traded at `cents`. */
  const trade = (cents: number) => bobSellsAliceBuys(ex, 1, cents * 100);

  /**
   * Alice's page, logged in, whose socket's subscriptions to `channel` reach the server only when the
   * returned function is called (everything else passes at once).
   */
  const heldPage = async (t: TestContext, channel: string) => {
    const { page } = await newUserPage(browser, ex.baseUrl);
    t.after(async () => {
      await screenshotPages(t.name, { alice: page });
      await page.context().close();
    });
    const held: (() => void)[] = [];
    let holding = true;
    const asks = new RegExp(`"channel":"${channel}"`);
    await page.routeWebSocket('**/api/v1/ws', (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        if (holding && asks.test(String(m))) held.push(() => server.send(m));
        else server.send(m);
      });
    });
    await logIn(page, 'alice', PASSWORD);
    const asked = () => eventually(() => held.length > 0, `the page asking for ${channel}`);
    const release = () => {
      holding = false;
      for (const send of held.splice(0)) send();
    };
    return { page, asked, release };
  };

  const alertsShown = async (page: Page): Promise<string[]> => {
    const bell = page.getByRole('button', { name: /^Notifications/ });
    if ((await bell.getAttribute('aria-expanded')) !== 'true') await bell.click();
    return page.locator('#notification-list li.alert').allTextContents();
  };

  test('an alert that fires then shows in the notification list without a reload', async (t) => {
    const alice = await new Session(() => ex.baseUrl).login('alice');
    const { page, asked, release } = await heldPage(t, 'notifications');
    await page.goto('/');
    await asked();
    // The page has loaded its list (empty) by the time its socket asks for the channel.
    assert.deepEqual(await alertsShown(page), []);
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
    release();
    await eventually(async () => (await alertsShown(page)).length === 1, 'the alert in the list');
  });

  test('a news item posted then shows on the market page without a reload', async (t) => {
    const admin = await new Session(() => ex.baseUrl).login('admin');
    const { page, asked, release } = await heldPage(t, 'news');
    await page.goto(`/markets/${MARKET}`);
    await asked();
    const panel = page.getByTestId('news-panel');
    await panel.getByText('No news for this market yet.').waitFor();
    const headline = 'Cool rain arrives a day early';
    await admin.call('POST', '/api/v1/admin/news/items', {
      scope: { kind: 'market', ticker: MARKET },
      title: headline,
    });
    release();
    await panel.getByText(headline).waitFor();
  });

  test('a trade made then shows on the tape without a reload', async (t) => {
    await trade(33);
    const { page, asked, release } = await heldPage(t, 'trades');
    await page.goto(`/markets/${MARKET}`);
    await asked();
    const tape = page.getByTestId('trade-tape');
    // The tape's history has loaded.
    await tape.getByRole('row').filter({ hasText: '33¢' }).first().waitFor();
    await trade(37);
    release();
    await tape.getByRole('row').filter({ hasText: '37¢' }).first().waitFor();
  });
});
