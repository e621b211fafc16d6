// The news store on PostgreSQL (a throwaway server on a unix socket): the same migrations create its
// tables, ids come from the database, and two stores on one database (two writers, as the poller's
// thread and an admin posting) keep one item per scope and key, polled or posted; everything is there
// again after the stores are closed and one is opened anew.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { DEFAULT_POLL, FeedPoller, NewsStore, parseFeedText } from '@bourse/news';
import { PostgresTestServer } from '../../projections/test/support/postgres-server.ts';

let pg: PostgresTestServer;

before(async () => {
  pg = await PostgresTestServer.start();
});
after(() => pg?.stop());

const rss = readFileSync(new URL('./fixtures/rates.rss', import.meta.url), 'utf8');

test('two stores on one PostgreSQL database keep one item per key, across a reopen', async (t) => {
  const connection = await pg.createDatabase();
  const [a, b] = [
    await NewsStore.open({ kind: 'postgres', connection }),
    await NewsStore.open({ kind: 'postgres', connection }),
  ];
  const server = createServer((_req, res) => res.end(rss));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rates.rss`;
  const now = Date.UTC(2026, 11, 8);
  const scope = { kind: 'event', ticker: 'FED-26DEC' } as const;

  const feed = await a.addFeed(url, scope, 'admin', now);
  const other = await b.addFeed(url, { kind: 'market', ticker: 'FED-26DEC-T4' }, 'admin', now);
  assert.notEqual(feed.feedId, other.feedId);
  // The poller (through one store) and an admin posting the same stories (through the other) at once.
  const items = parseFeedText(rss).items;
  const [polled, posted] = await Promise.all([
    new FeedPoller(a, DEFAULT_POLL, { clock: () => now }).pollFeed(feed),
    b.addItems(scope, items, { feedId: null, source: 'admin' }, now),
  ]);
  assert.equal(polled.length + posted.length, 3);
  assert.deepEqual(
    (await b.items([scope], 10)).map((i) => i.sentiment.label),
    ['neutral', 'negative', 'positive'],
  );
  await a.recordPoll(other.feedId, { ok: false, error: 'HTTP 503' }, now, now + 1);
  await a.close();
  await b.close();

  const reopened = await NewsStore.open({ kind: 'postgres', connection });
  t.after(() => reopened.close());
  assert.equal((await reopened.items([scope], 10)).length, 3);
  const failing = await reopened.feed(other.feedId);
  assert.equal(failing?.failures, 1);
  assert.equal(failing?.lastError, 'HTTP 503');
  assert.equal((await reopened.feed(feed.feedId))?.title, 'Rates Desk');
});
