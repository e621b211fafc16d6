// How the UI is delivered and read, end to end in a real browser: the bundle arrives compressed
// (precompressed at build, with Vary and a year's cache on hashed assets), primary buttons meet WCAG AA
// contrast (the ratio measured from the computed colours), each page's title names the page, and on a
// phone the market page keeps a trade bar on screen that takes the person to the ticket. One exchange
// and one Chromium serve the whole file.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { chromiumMissing, launch, logIn, newUserPage, screenshot } from './support/browser.ts';
import { MARKET, PASSWORD, startWebExchange, type WebExchange } from './support/web-exchange.ts';

const skip = chromiumMissing();

/** WCAG 2 relative luminance of an `rgb(r, g, b)` colour. */
function luminance(rgb: string): number {
  const parts = /rgba?\((\d+), (\d+), (\d+)/.exec(rgb);
  assert.ok(parts, `not a colour: ${rgb}`);
  const [r, g, b] = parts.slice(1, 4).map((c) => {
    const s = Number(c) / 255;
    return s <= 0.039_28 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** A control's computed text and background colours. */
function colours(el: Locator): Promise<{ color: string; background: string }> {
  return el.evaluate((e) => {
    const window = globalThis as unknown as {
      getComputedStyle(e: unknown): { color: string; backgroundColor: string };
    };
    const s = window.getComputedStyle(e);
    return { color: s.color, background: s.backgroundColor };
  });
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('delivery and reading', { skip }, () => {
  let ex: WebExchange;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ex = await startWebExchange();
    browser = await launch();
    page = (await newUserPage(browser, ex.baseUrl)).page;
  });

  after(async () => {
    await browser?.close();
    await ex?.close();
  });

  test('the bundle arrives precompressed, with Vary and a year’s cache on hashed assets', async () => {
    const script = page.waitForResponse((r) => /\/assets\/index-[\w-]+\.js$/.test(r.url()));
    const html = await page.goto('/');
    const js = await script;
    const accepted = (await js.request().allHeaders())['accept-encoding'] ?? '';
    const headers = await js.allHeaders();
    assert.equal(headers['content-encoding'], accepted.includes('br') ? 'br' : 'gzip');
    assert.match(headers.vary ?? '', /accept-encoding/i);
    assert.equal(headers['cache-control'], 'public, max-age=31536000, immutable');
    const page0 = await html!.allHeaders();
    assert.match(page0.vary ?? '', /accept-encoding/i);
    assert.equal(page0['cache-control'], 'no-cache');
    // Both encodings are there for every client: ask for each without the browser.
    const path = new URL(js.url()).pathname;
    for (const encoding of ['br', 'gzip']) {
      const r = await fetch(`${ex.baseUrl}${path}`, { headers: { 'accept-encoding': encoding } });
      assert.equal(r.headers.get('content-encoding'), encoding);
      const plain = await fetch(`${ex.baseUrl}${path}`, {
        headers: { 'accept-encoding': 'identity' },
      });
      assert.equal(plain.headers.get('content-encoding'), null);
      assert.ok(
        Number(r.headers.get('content-length')) < Number(plain.headers.get('content-length')) / 2,
      );
    }
  });

  test('each page’s title names the page', async () => {
    await logIn(page, 'admin', PASSWORD);
    const titles: string[] = [];
    for (const [path, title] of [
      ['/', 'Markets · Bourse'],
      [`/markets/${MARKET}`, 'Will it rain in New York City tomorrow? · Bourse'],
      ['/events/WEATHER-NYC', 'Event WEATHER-NYC · Bourse'],
      ['/portfolio', 'Portfolio · Bourse'],
      ['/alerts', 'Alerts · Bourse'],
      ['/account', 'Account · Bourse'],
      ['/admin', 'Administration · Bourse'],
      ['/ops', 'Operations · Bourse'],
    ] as const) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      // Polled from here: the page's content security policy refuses evaluating strings.
      for (let i = 0; (await page.title()) !== title; i++) {
        assert.ok(i < 300, `${path}: title ${await page.title()}`);
        await page.waitForTimeout(100);
      }
      titles.push(await page.title());
    }
    assert.equal(new Set(titles).size, titles.length);
  });

  test('primary buttons meet WCAG AA contrast (4.5:1) in every colour', async () => {
    const { context, page: alice } = await newUserPage(browser, ex.baseUrl);
    await logIn(alice, 'alice', PASSWORD);
    await alice.goto(`/markets/${MARKET}`);
    const t = alice.getByRole('form', { name: 'Order ticket' });
    await t.getByLabel('Limit price (YES ¢)').fill('40');
    const measure = async (name: string) => {
      const { color, background } = await colours(t.getByRole('button', { name, exact: true }));
      return contrast(color, background);
    };
    const ratios: Record<string, number> = {};
    ratios['Buy YES'] = await measure('Buy YES');
    await t.getByRole('button', { name: 'NO', exact: true }).click();
    await t.getByLabel('Limit price (NO ¢)').fill('60');
    ratios['Buy NO'] = await measure('Buy NO');
    for (const [name, ratio] of Object.entries(ratios)) {
      assert.ok(ratio >= 4.5, `${name}: ${ratio.toFixed(2)}:1`);
    }
    await alice.goto('/account');
    const { color, background } = await colours(alice.getByRole('button', { name: 'Create key' }));
    assert.ok(contrast(color, background) >= 4.5, `Create key: ${contrast(color, background)}`);
    await context.close();
  });

  test('on a phone the market page keeps a trade bar on screen that opens the ticket', async () => {
    const { context, page: phone } = await newUserPage(browser, ex.baseUrl, {
      width: 390,
      height: 844,
    });
    await ex.gateway.services.submit({
      type: 'placeOrder',
      accountId: ex.accounts.bob!,
      instrumentId: 1,
      side: 'buy',
      orderType: 'limit',
      priceTicks: 3_800,
      qtyLots: 500,
      tif: 'gtc',
    } as Parameters<WebExchange['gateway']['services']['submit']>[0]);
    await logIn(phone, 'alice', PASSWORD);
    await phone.goto(`/markets/${MARKET}`);
    const bar = phone.getByRole('region', { name: 'Quick trade' });
    await bar.getByRole('button', { name: 'Buy NO 62¢' }).waitFor();
    const box = await bar.boundingBox();
    assert.ok(box !== null && box.y >= 844 - 120 && box.y + box.height <= 844, JSON.stringify(box));
    await screenshot(phone, 'phone-trade-bar');
    await bar.getByRole('button', { name: 'Buy NO 62¢' }).click();
    const ticket = phone.getByRole('form', { name: 'Order ticket' });
    await ticket.getByLabel('Quantity (contracts)').and(phone.locator(':focus')).waitFor();
    assert.equal(await ticket.getByLabel('Limit price (NO ¢)').inputValue(), '62');
    const form = await ticket.boundingBox();
    assert.ok(form !== null && form.y >= 0 && form.y < 844, JSON.stringify(form));
    await context.close();
    // A desktop has the ticket beside the book: no bar.
    await page.goto(`/markets/${MARKET}`);
    await page.getByRole('form', { name: 'Order ticket' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Quick trade' }).isVisible(), false);
  });
});
