// Status is true everywhere at once, end to end in a real browser: while alice watches a market page
// and bob his portfolio, the exchange halts. Alice's market reads "halted" (not "open") and her ticket
// refuses to send; both see the banner, brought by the live feed: neither page asks the REST status
// again to learn it. On resume all of it goes back, the same way. One exchange and one Chromium serve
// the whole file; the steps build on each other.

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
import { MARKET, PASSWORD, startWebExchange, type WebExchange } from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('exchange status everywhere at once', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  /** Each page's requests for the REST exchange status. */
  const statusReads = { alice: 0, bob: 0 };

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
    bob = (await newUserPage(browser, ex.baseUrl)).page;
    for (const [who, page] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/exchange/status')) statusReads[who]++;
      });
    }
  });

  afterEach((t) => screenshotPages(t.name, { alice, bob }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const banner = (page: Page) => page.getByRole('alert').filter({ hasText: 'Trading is halted' });
  const marketStatus = (page: Page) => page.getByTestId('market-status');
  const halt = (halted: boolean) => ex.gateway.services.submit({ type: 'setHalt', halted });

  test('a halt shows on the market page and in every banner from the live feed', async () => {
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    await marketStatus(alice).getByText('open', { exact: true }).waitFor();
    await logIn(bob, 'bob', PASSWORD);
    await bob.goto('/portfolio');
    await bob.getByTestId('cash-available').waitFor();
    assert.equal(await banner(alice).count(), 0);
    const before = { ...statusReads };

    await halt(true);
    await marketStatus(alice).getByText('halted', { exact: true }).waitFor();
    await banner(alice).waitFor();
    await banner(bob).waitFor();
    const ticket = alice.getByRole('form', { name: 'Order ticket' });
    assert.equal(await ticket.getByRole('button', { name: 'Buy YES' }).isDisabled(), true);
    await ticket.getByText('The market is halted.').waitFor();
    assert.deepEqual(statusReads, before, 'the halt came from a REST poll, not the live feed');
    await screenshot(alice, 'halted-market');
  });

  test('resuming clears it everywhere, again from the live feed', async () => {
    const before = { ...statusReads };
    await halt(false);
    await marketStatus(alice).getByText('open', { exact: true }).waitFor();
    await banner(alice).waitFor({ state: 'detached' });
    await banner(bob).waitFor({ state: 'detached' });
    const ticket = alice.getByRole('form', { name: 'Order ticket' });
    await ticket.getByLabel('Limit price (YES ¢)').fill('40');
    assert.equal(await ticket.getByRole('button', { name: 'Buy YES' }).isEnabled(), true);
    assert.deepEqual(statusReads, before);
  });
});
