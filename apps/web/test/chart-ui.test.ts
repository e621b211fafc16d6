// The price chart explains itself, end to end in a real browser: with three 1-minute candles (traded
// at 40¢, 45¢ and 50¢ in three past minutes through the exchange's clock), each indicator that lacks
// history says how many candles it needs instead of drawing an empty pane; an indicator added from the
// catalogue with a parameter of one's own gets its pane and is still there after a reload (one's own,
// not another person's in the same browser; the server keeps it, so another browser shows it too, and
// a browser's own earlier selection is imported once), and a parameter out of bounds is refused; a crosshair
// readout gives the hovered candle's open, high, low, close and volume in the market's unit (cents);
// and volume has a pane of its own below the candles. One exchange and one Chromium serve the file.

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
import {
  bobSellsAliceBuys,
  MARKET,
  PASSWORD,
  startWebExchange,
  type WebExchange,
} from './support/web-exchange.ts';

const skip = chromiumMissing();

/** Polls a condition the page reaches asynchronously (bounded; no timing assumption beyond a generous cap). */
async function waitFor(ok: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`never saw ${what}`);
}
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
    for (const px of [4_000, 4_500, 5_000]) {
      await bobSellsAliceBuys(ex, 1, px, 200);
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
  /** Panes are the chart's table rows that draw (the time axis among them). */
  const panes = () =>
    chart().evaluate(
      (el) =>
        [...el.querySelectorAll('tr')].filter(
          (tr) => tr.querySelector('canvas') && tr.getBoundingClientRect().height > 20,
        ).length,
    );
  const addIndicator = async (name: string, params: Record<string, string>) => {
    const picker = alice.getByRole('group', { name: 'Indicators' });
    await picker.getByLabel('Indicator', { exact: true }).selectOption({ label: name });
    for (const [label, value] of Object.entries(params)) {
      await picker.getByLabel(label, { exact: true }).fill(value);
    }
    await picker.getByRole('button', { name: 'Add', exact: true }).click();
  };

  test('indicators short of history say how many candles they need', async () => {
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    await alice.getByRole('img', { name: 'Price chart, 1m candles, 3 bars' }).waitFor();
    await needs().getByText('Bollinger Bands (20, 2) needs 20 candles (3 so far).').waitFor();
    await needs().getByText('Relative strength index (14) needs 15 candles (3 so far).').waitFor();
    assert.equal(await needs().getByText(/^MACD/).count(), 0);
    await addIndicator('MACD', {});
    await needs().getByText('MACD (12, 26, 9) needs 34 candles (3 so far).').waitFor();
  });

  test('volume has its own pane below the candles, indicators theirs below it', async () => {
    // Price, volume, RSI, MACD, and the time axis (Bollinger Bands draw over the candles).
    await waitFor(async () => (await panes()) === 1 + 1 + 2 + 1, 'five panes');
  });

  test('an oscillator added with its own parameter gets a pane, and stays after a reload', async () => {
    const before = await panes();
    await addIndicator('Williams %R', { Period: '2' });
    const picker = alice.getByRole('group', { name: 'Indicators' });
    await picker
      .getByRole('list', { name: 'Indicators on the chart' })
      .getByText('Williams %R (2)')
      .waitFor();
    // Two candles are enough for a 2-period %R: it draws, and says nothing about needing more.
    assert.equal(
      await needs()
        .getByText(/^Williams/)
        .count(),
      0,
    );
    await waitFor(async () => (await panes()) === before + 1, 'a pane for Williams %R');
    // A value out of bounds is refused, naming the field and its rule; nothing is added.
    await addIndicator('Simple moving average', { Period: '0' });
    await picker
      .getByRole('alert')
      .getByText('Period must be a whole number from 1 to 200.')
      .waitFor();
    const onChart = picker.getByRole('list', { name: 'Indicators on the chart' });
    assert.equal(await onChart.getByText(/^Simple moving average/).count(), 0);
    await alice.reload();
    await alice.getByRole('img', { name: 'Price chart, 1m candles, 3 bars' }).waitFor();
    await picker
      .getByRole('list', { name: 'Indicators on the chart' })
      .getByText('Williams %R (2)')
      .waitFor();
    await waitFor(async () => (await panes()) === before + 1, 'the pane again after the reload');
    await picker.getByRole('button', { name: 'Remove Williams %R (2)' }).click();
    await waitFor(async () => (await panes()) === before, 'the pane gone');
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

  test('each person has their own selection, even in the same browser', async () => {
    // Alice added MACD above; Bob, signing in on her browser, gets the chart's defaults.
    const onChart = () =>
      alice
        .getByRole('group', { name: 'Indicators' })
        .getByRole('list', { name: 'Indicators on the chart' });
    await onChart().getByText('MACD (12, 26, 9)').waitFor();
    await alice.getByRole('button', { name: 'Log out' }).click();
    await logIn(alice, 'bob', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    await onChart().getByText('Relative strength index (14)').waitFor();
    assert.deepEqual(await onChart().getByRole('listitem').allTextContents(), [
      'Bollinger Bands (20, 2) ×',
      'Relative strength index (14) ×',
    ]);
    await alice.getByRole('button', { name: 'Log out' }).click();
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    await onChart().getByText('MACD (12, 26, 9)').waitFor();
  });

  test('the selection follows the person to another browser, and a local one is imported once', async () => {
    const list = (page: Page) =>
      page
        .getByRole('group', { name: 'Indicators' })
        .getByRole('list', { name: 'Indicators on the chart' })
        .getByRole('listitem');
    const mine = await list(alice).allTextContents();
    assert.ok(mine.includes('MACD (12, 26, 9) ×'));
    // Another browser (nothing in its storage) shows what alice chose on the first.
    const elsewhere = await newUserPage(browser, ex.baseUrl);
    try {
      await logIn(elsewhere.page, 'alice', PASSWORD);
      await elsewhere.page.goto(`/markets/${MARKET}`);
      await list(elsewhere.page).getByText('MACD (12, 26, 9)').waitFor();
      assert.deepEqual(await list(elsewhere.page).allTextContents(), mine);
    } finally {
      await elsewhere.context.close();
    }
    // Bob has nothing on the server; the selection this browser kept for him before is imported, so
    // a third browser shows it.
    const first = await newUserPage(browser, ex.baseUrl);
    const third = await newUserPage(browser, ex.baseUrl);
    try {
      await logIn(first.page, 'bob', PASSWORD);
      const me = await first.page.evaluate(() =>
        fetch('/api/v1/account').then((r) => r.json() as Promise<{ userId: number }>),
      );
      await first.page.evaluate(
        (k) => localStorage.setItem(k, JSON.stringify([{ id: 'sma', params: { n: 9 } }])),
        `bourse.indicators.v1.${me.userId}`,
      );
      await first.page.goto(`/markets/${MARKET}`);
      await list(first.page).getByText('Simple moving average (9)').waitFor();
      await logIn(third.page, 'bob', PASSWORD);
      await waitFor(async () => {
        await third.page.goto(`/markets/${MARKET}`);
        await list(third.page).first().waitFor();
        return (await list(third.page).allTextContents()).join() === 'Simple moving average (9) ×';
      }, "bob's imported selection in a third browser");
    } finally {
      await first.context.close();
      await third.context.close();
    }
  });
});
