// A sandbox says so on every screen, end to end in a real browser: the banner names it and shows the
// simulated time (paused here, far from the real date), a scheduled close counts down on the
// simulated clock, and a step made through the control plane shows on the page by itself.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Sandbox, SandboxClock } from '@bourse/gateway';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launch, logIn, newUserPage, screenshotPages } from './support/browser.ts';
import { MARKET, PASSWORD, startWebExchange, type WebExchange } from './support/web-exchange.ts';

const skip = chromiumMissing();
const START = Date.parse('2030-01-01T00:00:00Z');

describe('a sandbox in the browser', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;
  const sandbox = new Sandbox({ clock: new SandboxClock({ start: START, paused: true }) });

  before(async () => {
    ex = await startWebExchange({ sandbox }, () => sandbox.clock.now());
    await ex.gateway.services.submit({
      type: 'scheduleMarket',
      instrumentId: 1,
      opensAt: null,
      closesAt: START + 2 * 3_600_000,
    });
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
  });

  afterEach((t) => screenshotPages(t.name, { alice }));

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  test('the banner shows the simulated time, and countdowns follow it', async () => {
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    const banner = alice.getByTestId('sandbox-banner');
    await banner.getByText('2030-01-01T00:00:00Z').waitFor();
    assert.match(
      await banner.innerText(),
      /^SANDBOX — simulated time 2030-01-01T00:00:00Z \(paused\)$/,
    );
    const closes = alice.getByTestId('market-closes');
    await closes.getByText(/^closes in 2 h$/).waitFor();

    await sandbox.step(30 * 60_000, 'admin');
    // The banner reads the clock again every few seconds: no reload.
    await banner.getByText('2030-01-01T00:30:00Z').waitFor({ timeout: 30_000 });
    await closes.getByText(/^closes in 1 h 30 min$/).waitFor();
  });
});
