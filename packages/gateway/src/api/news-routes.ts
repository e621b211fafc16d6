// News beside markets: everyone reads a market's news (its own items, its event's and its series'),
// or an event's, each with its headline sentiment; admins attach RSS/Atom feeds to a series, an event
// or a market, remove them, and post items directly. The items live in the news store
// (@bourse/news), which the server's poller fills from the feeds.

import type { InstrumentSpec } from '@bourse/engine';
import type { FeedRow, NewsItemRow, NewsStore, Scope } from '@bourse/news';
import {
  NewsFeedBody,
  NewsFeedRemoved,
  NewsFeedsResponse,
  NewsFeedView,
  NewsPage,
  NewsPostBody,
  NewsPostResponse,
  NewsQuery,
} from '@bourse/protocol';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayServices } from './gateway-services.ts';
import { type RouteDef, route } from './route-def.ts';
import { caller, idParam } from './route-helpers.ts';

const DEFAULT_LIMIT = 50;

function newsOf(s: GatewayServices): NewsStore {
  if (s.news === undefined) throw new ApiError('NOT_SUPPORTED', 'This server keeps no news.');
  return s.news;
}

/** The scopes whose items a market shows: its own, and for an event contract its event's and series'. */
function marketScopes(s: GatewayServices, ref: string): Scope[] {
  const spec = s.market(ref).spec;
  const own: Scope = { kind: 'market', ticker: spec.symbol };
  if (spec.kind !== 'binary') return [own];
  return [
    own,
    { kind: 'event', ticker: spec.eventTicker },
    { kind: 'series', ticker: spec.seriesTicker },
  ];
}

/** The socket topic of a market's news. */
export function newsTopic(instrumentId: number): string {
  return `news:${instrumentId}`;
}

/** Whether an item shows on a market: it belongs to the market, its event or its series. */
export function newsBelongsTo(item: NewsItemRow, spec: InstrumentSpec): boolean {
  const { kind, ticker } = item.scope;
  if (kind === 'market') return spec.symbol === ticker;
  if (spec.kind !== 'binary') return false;
  return (kind === 'event' ? spec.eventTicker : spec.seriesTicker) === ticker;
}

/** An event's scopes (its own and its series'), or NOT_FOUND when no market belongs to it. */
function eventScopes(s: GatewayServices, eventTicker: string): Scope[] {
  for (const m of s.hub.markets()) {
    if (m.spec.kind === 'binary' && m.spec.eventTicker === eventTicker) {
      return [
        { kind: 'event', ticker: eventTicker },
        { kind: 'series', ticker: m.spec.seriesTicker },
      ];
    }
  }
  throw new ApiError('NOT_FOUND', `No event ${eventTicker}.`);
}

/** A feed or an item must belong to something that exists: a market, or a series or event with one. */
function checkScope(s: GatewayServices, scope: Scope): Scope {
  if (scope.kind === 'market')
    return { kind: 'market', ticker: s.market(scope.ticker).spec.symbol };
  const found = s.hub
    .markets()
    .some(
      (m) =>
        m.spec.kind === 'binary' &&
        (scope.kind === 'event' ? m.spec.eventTicker : m.spec.seriesTicker) === scope.ticker,
    );
  if (!found) throw new ApiError('NOT_FOUND', `No ${scope.kind} ${scope.ticker}.`);
  return scope;
}

export function newsItemView(i: NewsItemRow) {
  return {
    itemId: i.itemId,
    scope: i.scope,
    title: i.title,
    link: i.link,
    summary: i.summary,
    source: i.source,
    ts: i.ts,
    receivedTs: i.receivedTs,
    sentiment: i.sentiment,
  };
}

export function newsFeedView(f: FeedRow) {
  return {
    feedId: f.feedId,
    url: f.url,
    scope: f.scope,
    title: f.title,
    lastPolledTs: f.lastPolledTs,
    lastOkTs: f.lastOkTs,
    lastError: f.lastError,
    failures: f.failures,
    nextPollTs: f.nextPollTs,
    createdBy: f.createdBy,
    createdTs: f.createdTs,
  };
}

/** Attaches a feed; the admin API and `bourse news feed add` both come here. */
export async function addNewsFeed(s: GatewayServices, url: string, scope: Scope, by: string) {
  const store = newsOf(s);
  const checked = checkScope(s, scope);
  const feed = await store.addFeed(url, checked, by, s.clock());
  await s.note({
    action: 'newsFeedAdded',
    subject: `${checked.kind}:${checked.ticker}`,
    detail: url,
  });
  return feed;
}

/** Removes a feed; false when there was none. */
export async function removeNewsFeed(s: GatewayServices, feedId: number): Promise<boolean> {
  const feed = await newsOf(s).feed(feedId);
  if (feed === undefined) return false;
  await newsOf(s).removeFeed(feedId);
  const subject = `${feed.scope.kind}:${feed.scope.ticker}`;
  await s.note({ action: 'newsFeedRemoved', subject, detail: feed.url });
  return true;
}

/**
 * Stores an item an admin wrote (the admin API and `bourse news post`), scored like a feed's; undefined
 * when the scope already has an item with its id or link.
 */
export async function postNewsItem(
  s: GatewayServices,
  b: NewsPostBody,
  by: string,
): Promise<NewsItemRow | undefined> {
  const scope = checkScope(s, b.scope);
  const now = s.clock();
  const title = b.title.trim();
  if (title === '') throw new ApiError('VALIDATION_FAILED', 'title must not be blank.');
  const link = b.link ?? null;
  const key = b.id ?? link ?? `posted:${now}:${title}`;
  const item = { key, title, link, summary: b.summary ?? null, publishedTs: b.ts ?? null };
  const [stored] = await newsOf(s).addItems(scope, [item], { feedId: null, source: by }, now);
  if (stored !== undefined) s.announceNews([stored]);
  return stored;
}

export const newsRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/api/v1/markets/:market/news',
    summary:
      "A market's news (its own, its event's and its series'), newest first, with sentiment.",
    tag: 'markets',
    auth: 'public',
    query: NewsQuery,
    response: NewsPage,
    handler: async (ctx) => {
      const s = ctx.services;
      const items = await newsOf(s).items(
        marketScopes(s, ctx.params.market!),
        ctx.query.limit ?? DEFAULT_LIMIT,
      );
      return { items: items.map(newsItemView) };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/events/:eventTicker/news',
    summary: "An event's news (its own and its series'), newest first, with sentiment.",
    tag: 'markets',
    auth: 'public',
    query: NewsQuery,
    response: NewsPage,
    handler: async (ctx) => {
      const s = ctx.services;
      const scopes = eventScopes(s, ctx.params.eventTicker!);
      const items = await newsOf(s).items(scopes, ctx.query.limit ?? DEFAULT_LIMIT);
      return { items: items.map(newsItemView) };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/news/feeds',
    summary:
      'Every news feed with what its last poll found (errors, failures in a row, next poll).',
    tag: 'admin',
    auth: 'admin',
    response: NewsFeedsResponse,
    handler: async (ctx) => ({ feeds: (await newsOf(ctx.services).feeds()).map(newsFeedView) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/news/feeds',
    summary:
      'Attach an RSS or Atom feed to a series, an event or a market; it is polled from now on.',
    tag: 'admin',
    auth: 'admin',
    body: NewsFeedBody,
    response: NewsFeedView,
    handler: async (ctx) => {
      const feed = await addNewsFeed(
        ctx.services,
        ctx.body.url,
        ctx.body.scope,
        caller(ctx).username,
      );
      ctx.status = 201;
      return newsFeedView(feed);
    },
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/admin/news/feeds/:feedId',
    summary: 'Stop polling a feed (the items it brought stay).',
    tag: 'admin',
    auth: 'admin',
    response: NewsFeedRemoved,
    handler: async (ctx) => {
      const feedId = idParam(ctx, 'feedId', 'NOT_FOUND');
      if (!(await removeNewsFeed(ctx.services, feedId))) {
        throw new ApiError('NOT_FOUND', `No feed ${feedId}.`);
      }
      return { feedId, removed: true as const };
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/news/items',
    summary:
      'Post a news item to a series, an event or a market; its headline is scored like a feed item.',
    tag: 'admin',
    auth: 'admin',
    body: NewsPostBody,
    response: NewsPostResponse,
    handler: async (ctx) => {
      const item = await postNewsItem(ctx.services, ctx.body, caller(ctx).username);
      return { stored: item !== undefined, item: item === undefined ? null : newsItemView(item) };
    },
  }),
];
