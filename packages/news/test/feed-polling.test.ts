// Feeds served from a local HTTP server: RSS and Atom fixtures are polled, their items scored and
// stored once (a story seen again, by guid or link, is not stored twice), a second poll is a
// conditional GET answered 304, a failing or hanging feed is recorded and retried later while the
// others go on, and everything survives closing and reopening the store.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_POLL,
  FeedPoller,
  type NewsItemRow,
  NewsStore,
  type PollSettings,
  startPollerThread,
} from '@bourse/news';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

interface FeedServer {
  readonly server: Server;
  readonly base: string;
  readonly requests: { path: string; headers: IncomingMessage['headers'] }[];
  rss: string;
  etag: string;
  failing: boolean;
}

async function feedServer(): Promise<FeedServer> {
  const state = { requests: [], rss: fixture('rates.rss'), etag: '"v1"', failing: true } as Omit<
    FeedServer,
    'server' | 'base'
  >;
  const lastModified = 'Mon, 07 Dec 2026 15:00:00 GMT';
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    state.requests.push({ path, headers: req.headers });
    if (path === '/rates.rss') {
      if (req.headers['if-none-match'] === state.etag) return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: state.etag });
      return void res.end(state.rss);
    }
    if (path === '/election.atom') {
      if (req.headers['if-modified-since'] === lastModified) return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/atom+xml', 'last-modified': lastModified });
      return void res.end(fixture('election.atom'));
    }
    if (path === '/flaky.rss') {
      if (state.failing) return void res.writeHead(500).end('down');
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      return void res.end(fixture('rates.rss'));
    }
    if (path === '/hangs.rss') return; // never answers: the poller's timeout ends it
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, { server, base: `http://127.0.0.1:${port}` }) as FeedServer;
}

const SETTINGS: PollSettings = {
  ...DEFAULT_POLL,
  intervalMs: 60_000,
  timeoutMs: 500,
  tickMs: 60_000,
};

interface Run {
  readonly feeds: FeedServer;
  readonly store: NewsStore;
  readonly poller: FeedPoller;
  readonly ids: { rates: number; election: number; flaky: number; hangs: number };
  readonly logged: string[];
  readonly delivered: number[];
  now: number;
}

async function startRun(feeds: FeedServer, store: NewsStore): Promise<Run> {
  const run = {
    feeds,
    store,
    logged: [] as string[],
    delivered: [] as number[],
  } as Partial<Run> & {
    now: number;
  };
  run.now = Date.UTC(2026, 11, 7, 16);
  const add = async (path: string, kind: 'series' | 'event' | 'market', ticker: string) =>
    (await store.addFeed(`${feeds.base}${path}`, { kind, ticker }, 'admin', run.now)).feedId;
  const ids = {
    rates: await add('/rates.rss', 'event', 'FED-26DEC'),
    election: await add('/election.atom', 'series', 'PRES'),
    flaky: await add('/flaky.rss', 'market', 'FED-26DEC-T4'),
    hangs: await add('/hangs.rss', 'market', 'FED-26DEC-T4'),
  };
  const poller = new FeedPoller(store, SETTINGS, {
    clock: () => run.now,
    log: (level, message) => run.logged!.push(`${level} ${message}`),
    onItems: (items) => run.delivered!.push(...items.map((i) => i.itemId)),
  });
  return Object.assign(run, { ids, poller }) as Run;
}

async function firstRound(r: Run): Promise<void> {
  await r.poller.pollDue();
  const fed = await r.store.items([{ kind: 'event', ticker: 'FED-26DEC' }], 50);
  // Four items in the feed, the last a repeat of the third's link: three stored, newest first.
  assert.deepEqual(
    fed.map((i) => [i.title, i.sentiment.label]),
    [
      ['Fed holds rates steady', 'neutral'],
      ['Bank collapses; depositors panic as shares plunge', 'negative'],
      ['Stocks rally as inflation cools and growth beats forecasts', 'positive'],
    ],
  );
  assert.equal(fed[0]!.source, 'Rates Desk');
  assert.equal(fed[0]!.feedId, r.ids.rates);
  const wire = await r.store.items([{ kind: 'series', ticker: 'PRES' }], 50);
  assert.deepEqual(
    wire.map((i) => i.sentiment.label),
    ['negative', 'positive'],
  );
  assert.equal(r.delivered.length, 5);
  // The failing and the hanging feed are recorded with their errors and retried after the interval.
  const feeds = new Map((await r.store.feeds()).map((f) => [f.feedId, f]));
  assert.equal(feeds.get(r.ids.flaky)!.lastError, 'HTTP 500');
  assert.equal(feeds.get(r.ids.flaky)!.failures, 1);
  assert.equal(feeds.get(r.ids.flaky)!.nextPollTs, r.now + SETTINGS.intervalMs);
  assert.equal(feeds.get(r.ids.hangs)!.lastError, 'timed out');
  assert.equal(feeds.get(r.ids.rates)!.etag, '"v1"');
  assert.equal(feeds.get(r.ids.election)!.lastModified, 'Mon, 07 Dec 2026 15:00:00 GMT');
  assert.equal(r.logged.filter((l) => l.startsWith('warn news feed poll failed')).length, 2);
}

/** Conditional GETs answered 304, the flaky feed answering now, the hanging one waiting longer. */
async function secondRound(r: Run): Promise<void> {
  // Nothing is due before the interval has passed.
  r.feeds.requests.length = 0;
  r.now += 1_000;
  await r.poller.pollDue();
  assert.equal(r.feeds.requests.length, 0);
  r.feeds.failing = false;
  r.now += SETTINGS.intervalMs;
  await r.poller.pollDue();
  const rssRequest = r.feeds.requests.find((q) => q.path === '/rates.rss')!;
  assert.equal(rssRequest.headers['if-none-match'], '"v1"');
  const atomRequest = r.feeds.requests.find((q) => q.path === '/election.atom')!;
  assert.equal(atomRequest.headers['if-modified-since'], 'Mon, 07 Dec 2026 15:00:00 GMT');
  assert.equal((await r.store.items([{ kind: 'event', ticker: 'FED-26DEC' }], 50)).length, 3);
  const market = await r.store.items([{ kind: 'market', ticker: 'FED-26DEC-T4' }], 50);
  assert.equal(market.length, 3);
  const feeds = new Map((await r.store.feeds()).map((f) => [f.feedId, f]));
  assert.equal(feeds.get(r.ids.flaky)!.failures, 0);
  assert.equal(feeds.get(r.ids.flaky)!.lastError, null);
  assert.equal(feeds.get(r.ids.hangs)!.failures, 2);
  assert.equal(feeds.get(r.ids.hangs)!.nextPollTs, r.now + 2 * SETTINGS.intervalMs);
}

/** A changed feed: only its new item is stored. */
async function changedFeed(r: Run): Promise<void> {
  r.feeds.rss = r.feeds.rss.replace(
    '<item>',
    `<item><title>Factory output slumps, recession fears grow</title><link>https://news.example/rates/4</link>
     <guid isPermaLink="false">rates-0004</guid><pubDate>Mon, 07 Dec 2026 17:00:00 GMT</pubDate></item><item>`,
  );
  r.feeds.etag = '"v2"';
  r.now += SETTINGS.intervalMs;
  const polled = await r.poller.pollFeed((await r.store.feed(r.ids.rates))!);
  assert.deepEqual(
    polled.map((i) => [i.title, i.sentiment.label]),
    [['Factory output slumps, recession fears grow', 'negative']],
  );
}

test('RSS and Atom feeds are polled, scored, de-duplicated, retried and kept across a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-news-'));
  const feeds = await feedServer();
  t.after(() => {
    feeds.server.closeAllConnections();
    feeds.server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const where = { kind: 'sqlite', path: join(dir, 'news.db') } as const;
  const store = await NewsStore.open(where);
  const run = await startRun(feeds, store);
  await firstRound(run);
  await secondRound(run);
  await changedFeed(run);
  await run.poller.stop();
  await store.close();

  // Closed and opened again: items, scores and validators are still there.
  const reopened = await NewsStore.open(where);
  t.after(() => reopened.close());
  const items = await reopened.items(
    [
      { kind: 'event', ticker: 'FED-26DEC' },
      { kind: 'series', ticker: 'PRES' },
    ],
    50,
  );
  assert.equal(items.length, 6);
  assert.equal(items[0]!.title, 'Factory output slumps, recession fears grow');
  assert.ok(items[0]!.sentiment.score < 0);
  assert.equal((await reopened.feed(run.ids.rates))!.etag, '"v2"');
});

test('the poller thread polls feeds added while it runs and hands back what it stored', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-news-'));
  const feeds = await feedServer();
  t.after(() => {
    feeds.server.closeAllConnections();
    feeds.server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const db = { kind: 'sqlite', path: join(dir, 'news.db') } as const;
  const store = await NewsStore.open(db);
  t.after(() => store.close());
  const received: NewsItemRow[] = [];
  let arrived: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const thread = await startPollerThread(
    { db, settings: { ...SETTINGS, tickMs: 20 } },
    {
      log: () => {},
      onItems: (items) => {
        received.push(...items);
        if (received.length >= 2) arrived();
      },
    },
  );
  // Added on this thread after the poller started: its next round finds it.
  await store.addFeed(
    `${feeds.base}/election.atom`,
    { kind: 'event', ticker: 'PRES-28' },
    'admin',
    Date.now(),
  );
  await all;
  await thread.stop();
  assert.deepEqual(received.map((i) => i.title).sort(), [
    'Candidate wins debate in a landslide, hope returns to campaign',
    'Scandal and fraud charges hit the challenger & campaign',
  ]);
  assert.equal((await store.items([{ kind: 'event', ticker: 'PRES-28' }], 10)).length, 2);
});

test('a feed larger than the bound fails its poll, declared or not, and is not stored', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-news-'));
  const big = `<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>${'<item><title>Stocks rally</title></item>'.repeat(200)}</channel></rss>`;
  const server = createServer((req, res) => {
    if (req.url === '/declared.rss')
      res.writeHead(200, { 'content-length': Buffer.byteLength(big) });
    // Without a length: sent in chunks, cut off by the reader once past the bound.
    else res.writeHead(200, { 'transfer-encoding': 'chunked' });
    res.end(big);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const store = await NewsStore.open({ kind: 'sqlite', path: join(dir, 'news.db') });
  t.after(async () => {
    await store.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scope = { kind: 'market', ticker: 'BIG' } as const;
  await store.addFeed(`${base}/declared.rss`, scope, 'admin', 0);
  await store.addFeed(`${base}/chunked.rss`, scope, 'admin', 0);
  await new FeedPoller(store, { ...SETTINGS, maxBytes: 1_000 }, { clock: () => 1 }).pollDue();
  assert.deepEqual(
    (await store.feeds()).map((f) => f.lastError),
    ['feed larger than 1000 bytes', 'feed larger than 1000 bytes'],
  );
  assert.equal((await store.items([scope], 10)).length, 0);
});
