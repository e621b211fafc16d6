// The price chart explains itself, end to end in a real browser: with three 1-minute candles (traded
// at 40¢, 45¢ and 50¢ in three past minutes through the exchange's clock), each indicator that lacks
// history says how many candles it needs instead of drawing an empty pane; a crosshair readout gives
// the hovered candle's open, high, low, close and volume in the market's unit (cents); and volume has
// a pane of its own below the candles. One exchange and one Chromium serve the whole file.

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
const MINUTE = 60_000;

describe('the price chart', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;
  /** The exchange clock runs this far from the real one: trades land in past minutes. */
  let shift = -30 * MINUTE;

  before(async () => {
    ex = await startWebExchange({}, () => Date.now() + shift);
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
    const s = ex.gateway.services;
    for (const px of [4_000, 4_500, 5_000]) {
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
          priceTicks: px,
          qtyLots: 200,
          tif: 'gtc',
        } as Parameters<typeof s.submit>[0]);
      }
      shift += MINUTE;
    }
  });

  afterEach((t) => screenshotPages(t.name, { alice }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  const chart = () => alice.getByRole('img', { name: /^Price chart/ });
  const needs = () => alice.getByTestId('indicator-needs');

  test('indicators short of history say how many candles they need', async () => {
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    await alice.getByRole('img', { name: 'Price chart, 1m candles, 3 bars' }).waitFor();
    await needs().getByText('Bollinger needs 20 candles (3 so far).').waitFor();
    await needs().getByText('RSI needs 15 candles (3 so far).').waitFor();
    assert.equal(await needs().getByText(/^MACD/).count(), 0);
    await alice
      .getByRole('group', { name: 'Indicators' })
      .getByRole('button', { name: 'MACD' })
      .click();
    await needs().getByText('MACD needs 34 candles (3 so far).').waitFor();
  });

  test('volume has its own pane below the candles, indicators theirs below it', async () => {
    // Panes are the chart's table rows that draw: price, volume, RSI, MACD.
    const panes = await chart().evaluate(
      (el) =>
        [...el.querySelectorAll('tr')].filter(
          (tr) => tr.querySelector('canvas') && tr.getBoundingClientRect().height > 20,
        ).length,
    );
    assert.equal(panes, 1 + 1 + 2 + 1); // price, volume, RSI, MACD, and the time axis
  });

  test('the crosshair reads each candle in cents, and volume in contracts', async () => {
    const readout = alice.getByTestId('chart-readout');
    // Not hovering: the newest candle.
    await readout.getByText('C 50¢').waitFor();
    const box = await chart().boundingBox();
    assert.ok(box);
    const seen = new Set<string>();
    for (let x = box.x + 5; x < box.x + box.width - 60; x += 8) {
      await alice.mouse.move(x, box.y + box.height * 0.3);
      seen.add((await readout.textContent()) ?? '');
    }
    assert.ok(
      [...seen].some((r) => /O 40¢ H 40¢ L 40¢ C 40¢ Vol 2/.test(r)),
      [...seen].join(' | '),
    );
    assert.ok(
      [...seen].some((r) => /C 45¢/.test(r)),
      [...seen].join(' | '),
    );
    await screenshot(alice, 'chart-readout');
  });
});
