// News through the native API: admins attach feeds to a series, an event or a market (checked to
// exist, the address to be http(s)) and post items; everyone reads a market's news — its own, its
// event's and its series' — newest first with headline sentiment, and new items on the socket's news
// channel; bad input is refused and changes
// nothing; only admins write; a server that keeps no news says so.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NewsStore } from '@bourse/news';
import type {
  NewsFeedsResponse,
  NewsFeedView,
  NewsItemView,
  NewsPage,
  NewsPostResponse,
} from '@bourse/protocol';
import { refusal } from './support/refusal.ts';
import { startTestExchange, type TestExchange, type TestUser } from './support/test-exchange.ts';
import { openSocket } from './support/test-sockets.ts';

let ex: TestExchange;
let alice: TestUser;
let news: NewsStore;
const dir = mkdtempSync(join(tmpdir(), 'bourse-gw-news-'));

before(async () => {
  news = await NewsStore.open({ kind: 'sqlite', path: join(dir, 'news.db') });
  ex = await startTestExchange({ news });
  alice = await ex.addUser('alice', 'trader', 0);
});
after(async () => {
  await ex.close();
  await news.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (scope: { kind: string; ticker: string }, title: string, extra: object = {}) =>
  ex.admin.rest.request<NewsPostResponse>('POST', '/api/v1/admin/news/items', {
    scope,
    title,
    ...extra,
  });

test('items posted to a market, its event and its series all show on the market, scored', async () => {
  const a = await post({ kind: 'market', ticker: ex.market }, 'Record profits lift the market', {
    ts: 3_000,
    link: 'https://news.example/1',
  });
  assert.equal(a.stored, true);
  assert.equal(a.item?.sentiment.label, 'positive');
  await post({ kind: 'event', ticker: 'TEST-26' }, 'Bank collapses; depositors panic', {
    ts: 2_000,
  });
  await post({ kind: 'series', ticker: 'TEST' }, 'Fed holds rates steady', { ts: 1_000 });
  // The same link again stores nothing.
  const again = await post({ kind: 'market', ticker: ex.market }, 'Record profits, again', {
    link: 'https://news.example/1',
  });
  assert.deepEqual(again, { stored: false, item: null });

  const page = await alice.rest.request<NewsPage>('GET', `/api/v1/markets/${ex.market}/news`);
  assert.deepEqual(
    page.items.map((i) => [i.scope.kind, i.title, i.sentiment.label, i.ts, i.source]),
    [
      ['market', 'Record profits lift the market', 'positive', 3_000, 'admin'],
      ['event', 'Bank collapses; depositors panic', 'negative', 2_000, 'admin'],
      ['series', 'Fed holds rates steady', 'neutral', 1_000, 'admin'],
    ],
  );
  assert.ok(page.items[1]!.sentiment.score < 0);
  const limited = await alice.rest.request<NewsPage>(
    'GET',
    `/api/v1/markets/${ex.market}/news?limit=1`,
  );
  assert.equal(limited.items.length, 1);
  // An event's news is its own and its series', not one market's.
  const event = await alice.rest.request<NewsPage>('GET', '/api/v1/events/TEST-26/news');
  assert.deepEqual(
    event.items.map((i) => i.scope.kind),
    ['event', 'series'],
  );
});

test('admins attach, list and remove feeds; the audit trail names each change', async () => {
  const admin = ex.admin.rest;
  const feed = await admin.request<NewsFeedView>('POST', '/api/v1/admin/news/feeds', {
    url: 'http://127.0.0.1:9/rates.rss',
    scope: { kind: 'event', ticker: 'TEST-26' },
  });
  assert.equal(feed.scope.ticker, 'TEST-26');
  assert.equal(feed.failures, 0);
  assert.equal(feed.createdBy, 'admin');
  const listed = await admin.request<NewsFeedsResponse>('GET', '/api/v1/admin/news/feeds');
  assert.deepEqual(
    listed.feeds.map((f) => f.feedId),
    [feed.feedId],
  );
  const removed = await admin.request('DELETE', `/api/v1/admin/news/feeds/${feed.feedId}`);
  assert.deepEqual(removed, { feedId: feed.feedId, removed: true });
  assert.deepEqual((await news.feeds()).length, 0);
  const audit = await admin.request<{ items: { commandType: string }[] }>(
    'GET',
    '/api/v1/admin/audit',
  );
  assert.ok(audit.items.filter((a) => a.commandType === 'auditNote').length >= 2);
});

test('bad feeds and items are refused and change nothing; only admins write', async () => {
  const admin = ex.admin.rest;
  const before = (await news.items([{ kind: 'market', ticker: ex.market }], 200)).length;
  const cases: [string, string, object, number, string][] = [
    [
      'POST',
      '/api/v1/admin/news/feeds',
      { url: 'ftp://x.example/f', scope: { kind: 'market', ticker: ex.market } },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'POST',
      '/api/v1/admin/news/feeds',
      { url: 'https://x.example/f', scope: { kind: 'market', ticker: 'NOPE' } },
      404,
      'MARKET_NOT_FOUND',
    ],
    [
      'POST',
      '/api/v1/admin/news/feeds',
      { url: 'https://x.example/f', scope: { kind: 'event', ticker: 'NOPE' } },
      404,
      'NOT_FOUND',
    ],
    [
      'POST',
      '/api/v1/admin/news/feeds',
      { url: 'https://x.example/f', scope: { kind: 'desk', ticker: 'X' } },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'POST',
      '/api/v1/admin/news/items',
      { scope: { kind: 'market', ticker: ex.market }, title: '   ' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'POST',
      '/api/v1/admin/news/items',
      { scope: { kind: 'market', ticker: ex.market }, title: 'x', link: 'javascript:alert(1)' },
      400,
      'VALIDATION_FAILED',
    ],
    ['DELETE', '/api/v1/admin/news/feeds/999', {}, 404, 'NOT_FOUND'],
  ];
  for (const [method, path, body, status, code] of cases) {
    const call =
      method === 'DELETE' ? admin.request(method, path) : admin.request(method, path, body);
    assert.deepEqual(
      await refusal(call),
      { status, code },
      `${method} ${path} ${JSON.stringify(body)}`,
    );
  }
  const trader = await refusal(
    alice.rest.request('POST', '/api/v1/admin/news/items', {
      scope: { kind: 'market', ticker: ex.market },
      title: 'Shares soar',
    }),
  );
  assert.equal(trader.status, 403);
  assert.deepEqual(await refusal(alice.rest.request('GET', '/api/v1/markets/NOPE/news')), {
    status: 404,
    code: 'MARKET_NOT_FOUND',
  });
  assert.equal((await news.items([{ kind: 'market', ticker: ex.market }], 200)).length, before);
  assert.equal((await news.feeds()).length, 0);
});

test('a server that keeps no news answers 501 instead of an empty list', async () => {
  const bare = await startTestExchange();
  try {
    const r = await refusal(bare.admin.rest.request('GET', `/api/v1/markets/${bare.market}/news`));
    assert.deepEqual(r, { status: 501, code: 'NOT_SUPPORTED' });
  } finally {
    await bare.close();
  }
});

test("a socket subscribed to a market's news gets each new item of the market, its event and series", async () => {
  const { ws, closed } = await openSocket(ex.baseUrl, {});
  const seen: { type?: string; channel?: string; market?: string; items?: NewsItemView[] }[] = [];
  let wake: () => void = () => {};
  ws.on('message', (data) => {
    seen.push(JSON.parse(data.toString()));
    wake();
  });
  const next = async (ok: (m: (typeof seen)[number]) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const found = seen.find(ok);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
    assert.fail('never received the message');
  };
  ws.send(JSON.stringify({ op: 'subscribe', channel: 'news', market: ex.market, id: 7 }));
  await next((m) => m.type === 'subscribed' && m.channel === 'news');
  await post({ kind: 'event', ticker: 'TEST-26' }, 'Peace deal brings hope', { id: 'ws-1' });
  const update = await next((m) => m.channel === 'news' && m.type === 'update');
  assert.equal(update.market, ex.market);
  assert.deepEqual(
    update.items?.map((i) => [i.title, i.sentiment.label, i.scope.kind]),
    [['Peace deal brings hope', 'positive', 'event']],
  );
  // Posting it again stores nothing, so nothing is sent.
  await post({ kind: 'event', ticker: 'TEST-26' }, 'Peace deal brings hope', { id: 'ws-1' });
  ws.close();
  await closed;
  assert.equal(seen.filter((m) => m.type === 'update').length, 1);
});
