// News beside a market, end to end in a real browser: an admin attaches RSS and Atom feeds (served by
// a local HTTP server) to a market and to its event in the admin console; the server's poller thread
// fetches them, scores each headline and stores the items; the market page shows the headlines with
// their sentiment, the sentiment trend, and the items as markers on the price chart (listed for
// screen readers beside the canvas); a failing feed shows its error in the console; an item the
// admin posts from the console appears on the open market page without a reload (the socket's news
// channel).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { DEFAULT_POLL, NewsStore, type PollerThread, startPollerThread } from '@bourse/news';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launch, logIn, newUserPage, screenshotPages } from './support/browser.ts';
import {
  bobSellsAliceBuys,
  MARKET,
  PASSWORD,
  startWebExchange,
  type WebExchange,
} from './support/web-exchange.ts';

const skip = chromiumMissing();
const MINUTE = 60_000;

/** Polls a condition the page or the poller reaches asynchronously, up to a generous two minutes. */
async function waitFor(ok: () => Promise<boolean>, what: string | (() => string)): Promise<void> {
  for (let i = 0; i < 1_200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`never saw ${typeof what === 'string' ? what : what()}`);
}

/** RSS for the event and Atom for the market, their items published in the last three minutes. */
function feedServer(): Promise<Server> {
  const at = (msAgo: number) => new Date(Date.now() - msAgo);
  const server = createServer((req, res) => {
    if (req.url === '/weather.rss') {
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"w1"' });
      return void res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Weather Desk</title>
        <item><title>Sunny forecast brings hope to outdoor festival</title><guid>w-1</guid>
          <link>https://weather.example/1</link><pubDate>${at(150_000).toUTCString()}</pubDate></item>
        <item><title>Storm devastates coast, killing dozens</title><guid>w-2</guid>
          <link>https://weather.example/2</link><pubDate>${at(90_000).toUTCString()}</pubDate></item>
      </channel></rss>`);
    }
    if (req.url === '/rain.atom') {
      res.writeHead(200, { 'content-type': 'application/atom+xml' });
      return void res.end(`<?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Rain Wire</title><id>urn:rain</id>
        <updated>${at(0).toISOString()}</updated>
        <entry><title>Rain gauge readings published for Central Park</title><id>urn:rain:1</id>
          <link href="https://rain.example/1"/><updated>${at(30_000).toISOString()}</updated></entry>
        </feed>`);
    }
    res.writeHead(500).end('down');
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

describe('news on the market page', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-web-news-'));
  let feeds: Server;
  let base: string;
  let news: NewsStore;
  let poller: PollerThread;
  let ex: WebExchange;
  let browser: Browser;
  let alice: Page;
  let admin: Page;
  let shift = -3 * MINUTE;
  /** What the poller said, named when a wait for its items fails. */
  const pollLog: string[] = [];

  before(async () => {
    feeds = await feedServer();
    base = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;
    const db = { kind: 'sqlite', path: join(dir, 'news.db') } as const;
    news = await NewsStore.open(db);
    ex = await startWebExchange({ news }, () => Date.now() + shift);
    poller = await startPollerThread(
      { db, settings: { ...DEFAULT_POLL, intervalMs: 60_000, timeoutMs: 5_000, tickMs: 50 } },
      {
        log: (level, message, fields) =>
          pollLog.push(`${level} ${message} ${JSON.stringify(fields)}`),
      },
    );
    // Trades in three past minutes: candles for the news to mark.
    for (const px of [4_000, 4_500, 5_000]) {
      await bobSellsAliceBuys(ex, 1, px);
      shift += MINUTE;
    }
    browser = await launch();
    alice = (await newUserPage(browser, ex.baseUrl)).page;
    admin = (await newUserPage(browser, ex.baseUrl)).page;
    await logIn(admin, 'admin', PASSWORD);
    await logIn(alice, 'alice', PASSWORD);
  });

  afterEach((t) => screenshotPages(t.name, { alice, admin }));

  after(async () => {
    await browser?.close();
    await poller?.stop();
    await ex?.close();
    await news?.close();
    feeds?.closeAllConnections();
    feeds?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const attach = async (scope: string, path: string) => {
    const form = admin.getByRole('form', { name: 'Attach news feed' });
    await form.locator('select[name="market"]').selectOption(MARKET);
    await form.locator('select[name="scope"]').selectOption(scope);
    await form.getByLabel('RSS or Atom address').fill(`${base}${path}`);
    await form.getByRole('button', { name: 'Attach feed' }).click();
  };

  test('the admin attaches feeds in the console; the poller stores and scores their items', async () => {
    await admin.goto('/admin');
    await attach('event', '/weather.rss');
    await admin.getByText('Feed attached to event WEATHER-NYC').waitFor();
    await attach('market', '/rain.atom');
    await admin.getByText(`Feed attached to market ${MARKET}`).waitFor();
    await attach('series', '/broken.rss');
    await admin.getByText('Feed attached to series WEATHER').waitFor();
    await waitFor(
      async () =>
        (
          await news.items(
            [
              { kind: 'event', ticker: 'WEATHER-NYC' },
              { kind: 'market', ticker: MARKET },
            ],
            50,
          )
        ).length === 3,
      () => `three stored items (poller: ${pollLog.join('; ')})`,
    );
    await waitFor(async () => (await news.feeds()).some((f) => f.failures > 0), 'the failing feed');
    await admin.reload();
    const rows = admin.getByTestId('news-feed-row');
    await rows.filter({ hasText: 'Weather Desk' }).getByText(/^ok /).waitFor();
    await rows
      .filter({ hasText: 'series WEATHER' })
      .getByText(/failing ×\d+: HTTP 500/)
      .waitFor();
  });

  test('the market page shows the headlines, their sentiment, the trend and chart markers', async () => {
    await alice.goto(`/markets/${MARKET}`);
    const panel = alice.getByTestId('news-panel');
    const items = panel.getByTestId('news-item');
    await waitFor(async () => (await items.count()) === 3, 'three news items');
    assert.deepEqual(
      await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-sentiment'))),
      ['neutral', 'negative', 'positive'],
    );
    await panel.getByRole('link', { name: 'Storm devastates coast, killing dozens' }).waitFor();
    await panel.getByText('Weather Desk', { exact: false }).first().waitFor();
    const trend = panel.getByTestId('news-trend');
    assert.match(
      (await trend.getAttribute('aria-label')) ?? '',
      /^Sentiment trend over 3 items, now /,
    );
    assert.match((await trend.locator('path').getAttribute('d')) ?? '', /^M[\d.]+,[\d.]+ L/);
    await panel.getByTestId('news-mood').waitFor();
    const onChart = alice.getByRole('list', { name: 'News on the chart' }).locator('li');
    await waitFor(async () => (await onChart.count()) >= 1, 'news markers on the chart');
    const labels = await onChart.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-sentiment')),
    );
    assert.ok(labels.every((l) => l === 'positive' || l === 'negative' || l === 'neutral'));
  });

  test('an item the admin posts from the console shows on the market page', async () => {
    const form = admin.getByRole('form', { name: 'Post news item' });
    await form.getByLabel('Headline').fill('Record heat wave ends as cool rain brings relief');
    await form.getByRole('button', { name: 'Post item' }).click();
    await admin.getByText(/^Posted \(/).waitFor();
    // No reload: the page hears of it on the socket's news channel.
    await alice
      .getByTestId('news-panel')
      .getByText('Record heat wave ends as cool rain brings relief')
      .waitFor();
  });
});
