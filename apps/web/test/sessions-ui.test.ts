// The account page's sessions list, end to end in a real browser: the same user logs in from several
// browser contexts (each its own cookie jar, so its own session), sees them all with this browser's
// marked, and signs the others out one at a time or all together. A signed-out browser drops to the
// login form at once (its live connection is closed by the server), its API calls get 401 and its next
// navigation asks it to log in. One exchange and one Chromium serve the whole file; the steps build on
// each other in order.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  chromiumMissing,
  horizontalOverflow,
  launch,
  logIn,
  newUserPage,
  screenshot,
} from './support/browser.ts';
import { PASSWORD, startWebExchange, type WebExchange } from './support/web-exchange.ts';

const skip = chromiumMissing();

interface Tab {
  readonly context: BrowserContext;
  readonly page: Page;
}

describe('web sessions', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let first: Tab;
  let second: Tab;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  /** A fresh browser context (its own cookies) logged in as alice. */
  const aliceTab = async (viewport?: { width: number; height: number }): Promise<Tab> => {
    const tab = await newUserPage(browser, ex.baseUrl, viewport);
    await logIn(tab.page, 'alice', PASSWORD);
    return tab;
  };

  const rows = (page: Page) => page.getByTestId('sessions').locator('tbody tr');
  const thisDevice = (page: Page) => rows(page).filter({ hasText: 'This device' });

  /** Opens the account page and waits until the list shows `count` sessions. */
  const sessionsShown = async (page: Page, count: number) => {
    await page.goto('/account');
    await rows(page)
      .nth(count - 1)
      .waitFor();
    assert.equal(await rows(page).count(), count);
  };

  /** The browser is logged out: the login form shows and its cookie no longer authenticates. */
  const loggedOut = async (tab: Tab) => {
    await tab.page.getByRole('heading', { name: 'Log in' }).waitFor();
    assert.equal((await tab.context.request.get('/api/v1/account')).status(), 401);
    await tab.page.goto('/portfolio');
    await tab.page.getByRole('heading', { name: 'Log in' }).waitFor();
  };

  test('two logins are two sessions, each browser marked as this device in its own list', async () => {
    first = await aliceTab();
    second = await aliceTab();
    const ids: (string | null)[] = [];
    for (const { page } of [first, second]) {
      await sessionsShown(page, 2);
      const table = page.getByTestId('sessions');
      for (const name of ['Device', 'IP address', 'Signed in', 'Last seen', 'Expires', 'Actions']) {
        await table.getByRole('columnheader', { name }).waitFor();
      }
      assert.equal(await thisDevice(page).count(), 1);
      ids.push(await thisDevice(page).getAttribute('data-session-id'));
      // The device is named briefly, with the full user agent as its tooltip.
      const device = thisDevice(page).getByTitle(/HeadlessChrome\//);
      assert.match((await device.textContent()) ?? '', /^Headless Chrome \d+ on Linux$/);
      await thisDevice(page).getByRole('cell', { name: '127.0.0.1' }).waitFor();
      await thisDevice(page).getByRole('button', { name: 'Sign out this device' }).waitFor();
      await rows(page)
        .filter({ hasNotText: 'This device' })
        .getByRole('button', { name: /^Sign out Headless Chrome \d+ on Linux \(127\.0\.0\.1\)$/ })
        .waitFor();
    }
    assert.match(ids[0] ?? '', /^[0-9a-f]{32}$/);
    assert.match(ids[1] ?? '', /^[0-9a-f]{32}$/);
    assert.notEqual(ids[0], ids[1]);
    await screenshot(first.page, 'account-sessions');
  });

  test('signing out the other session logs that browser out at once', async () => {
    const page = first.page;
    const mine = await thisDevice(page).getAttribute('data-session-id');
    await rows(page)
      .filter({ hasNotText: 'This device' })
      .getByRole('button', { name: /^Sign out / })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Sign out session?').waitFor();
    await dialog.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Signed out Headless Chrome/ })
      .waitFor();
    await rows(page).nth(1).waitFor({ state: 'detached' });
    assert.equal(await rows(page).count(), 1);
    assert.equal(await thisDevice(page).getAttribute('data-session-id'), mine);
    assert.equal(
      await page.getByRole('button', { name: 'Sign out all other sessions' }).count(),
      0,
    );

    // The signed-out browser shows the login form without being reloaded, then stays logged out.
    await loggedOut(second);
    await screenshot(second.page, 'session-signed-out');

    // This browser is unaffected.
    const res = await first.context.request.get('/api/v1/auth/sessions');
    assert.equal(res.status(), 200);
    const { items } = (await res.json()) as { items: { sessionId: string; current: boolean }[] };
    assert.deepEqual(
      items.map((s) => [s.sessionId, s.current]),
      [[mine, true]],
    );
  });

  test('signing out a session that has already ended says so and refreshes the list', async () => {
    const third = await aliceTab();
    await sessionsShown(first.page, 2);
    // The third browser logs itself out while the first still lists it.
    await third.page.getByRole('button', { name: 'Log out' }).click();
    await third.page.getByRole('link', { name: 'Log in' }).waitFor();
    await rows(first.page)
      .filter({ hasNotText: 'This device' })
      .getByRole('button', { name: /^Sign out / })
      .click();
    await first.page.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
    await first.page
      .getByRole('alert')
      .filter({ hasText: 'That session has already ended.' })
      .waitFor();
    await rows(first.page).nth(1).waitFor({ state: 'detached' });
    await third.context.close();
  });

  test('“Sign out all other sessions” ends every other browser’s session', async () => {
    second = await aliceTab();
    const third = await aliceTab();
    await sessionsShown(first.page, 3);
    await first.page.getByRole('button', { name: 'Sign out all other sessions' }).click();
    const dialog = first.page.getByRole('dialog');
    await dialog
      .getByText('All 2 other sessions are signed out at once.', { exact: false })
      .waitFor();
    await dialog.getByRole('button', { name: 'Sign out all' }).click();
    await first.page
      .getByRole('status')
      .filter({ hasText: 'Signed out 2 other sessions' })
      .waitFor();
    await rows(first.page).nth(1).waitFor({ state: 'detached' });
    assert.equal(await thisDevice(first.page).count(), 1);
    await loggedOut(second);
    await loggedOut(third);
    await second.context.close();
    await third.context.close();
  });

  test('on a phone-sized screen the sessions list does not scroll the page sideways', async () => {
    const phone = await aliceTab({ width: 390, height: 844 });
    await sessionsShown(phone.page, 2);
    await phone.page.waitForLoadState('networkidle');
    assert.equal(await horizontalOverflow(phone.page), 0);
    await screenshot(phone.page, 'phone-account-sessions');
    await phone.context.close();
  });

  test('signing out this device from the list logs this browser out', async () => {
    const page = first.page;
    await sessionsShown(page, 2);
    await thisDevice(page).getByRole('button', { name: 'Sign out this device' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Sign out this device?').waitFor();
    await dialog.getByRole('button', { name: 'Sign out', exact: true }).click();
    await loggedOut(first);
    await first.context.close();
  });
});
