// The market page's rewind slider in a real browser: alice rests bids and an ask and one of her
// orders is filled (through the API, each at a known seq); opening the rewind and moving its slider
// to those seqs shows, each time, exactly the book GET /api/v1/history/state answers for that seq.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launch, logIn, newUserPage, screenshotPages } from './support/browser.ts';
import { MARKET, PASSWORD, startWebExchange, type WebExchange } from './support/web-exchange.ts';

const skip = chromiumMissing();

describe('rewind slider on the market page', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let page: Page;
  let bob: Page;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    page = (await newUserPage(browser, ex.baseUrl)).page;
    bob = (await newUserPage(browser, ex.baseUrl)).page;
  });
  afterEach((t) => screenshotPages(t.name, { alice: page, bob }));
  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const place = async (who: Page, side: 'buy' | 'sell', priceTicks: number, qtyLots: number) => {
    const account = await who.request.get('/api/v1/account');
    const { csrfToken } = (await account.json()) as { csrfToken: string };
    const res = await who.request.post('/api/v1/orders', {
      data: { market: MARKET, side, type: 'limit', priceTicks, qtyLots, tif: 'gtc' },
      headers: { 'x-csrf-token': csrfToken },
    });
    assert.equal(res.ok(), true, `${res.status()} ${await res.text()}`);
    // An order's id is the seq of the command that placed it.
    return ((await res.json()) as { orderId: number }).orderId;
  };

  /** The levels the endpoint answers at `seq`, as the ladder's data-level attributes spell them. */
  const endpointBook = async (seq: number) => {
    const res = await page.request.get(
      `/api/v1/history/state?seq=${seq}&market=${MARKET}&depth=12`,
    );
    assert.equal(res.ok(), true, `${res.status()} ${await res.text()}`);
    const { book } = (await res.json()) as { book: { bids: number[][]; asks: number[][] } };
    return { bids: book.bids.map((l) => l.join(':')), asks: book.asks.map((l) => l.join(':')) };
  };

  /** The book the rewind panel shows once it has settled on `seq`. */
  const shownBook = async (seq: number) => {
    const rewind = page.getByTestId('rewind');
    await rewind
      .getByTestId('rewind-at')
      .filter({ hasText: new RegExp(`^book at seq ${seq}\\b`) })
      .waitFor();
    const levels = (id: string) =>
      rewind
        .getByTestId(id)
        .locator('[data-level]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-level')));
    return { bids: await levels('yes-bids'), asks: await levels('no-bids') };
  };

  test('moving the slider shows the endpoint’s book at that seq', async () => {
    await logIn(page, 'alice', PASSWORD);
    await logIn(bob, 'bob', PASSWORD);
    const first = await place(page, 'buy', 3_000, 200);
    const second = await place(page, 'buy', 3_500, 300);
    const ask = await place(page, 'sell', 6_000, 300);
    const fill = await place(bob, 'sell', 3_500, 100);
    await page.goto(`/markets/${MARKET}`);
    await page.getByRole('button', { name: 'Rewind the book' }).click();
    const slider = page.getByTestId('rewind').getByRole('slider');
    await slider.waitFor();
    for (const seq of [first, second, ask, fill, first - 1]) {
      await slider.fill(String(seq));
      const expected = await endpointBook(seq);
      assert.deepEqual(await shownBook(seq), expected, `seq ${seq}`);
    }
    // The seqs were told apart: the book grew, then the fill shrank the best bid.
    assert.deepEqual((await endpointBook(second)).bids.slice(0, 2), ['3500:300:1', '3000:200:1']);
    assert.deepEqual((await endpointBook(fill)).bids[0], '3500:200:1');
  });
});
