// News beside markets: feeds (RSS/Atom) that admins attach to a series, an event or a market, items
// admins post directly, and the items with their headline sentiment as everyone reads them.

import { type Static, Type } from '@sinclair/typebox';
import { Int, NullableInt, PosInt, strict } from './primitives.ts';

export const NEWS_SCOPES = ['series', 'event', 'market'] as const;
const ScopeKind = Type.Union(NEWS_SCOPES.map((s) => Type.Literal(s)));
const Ticker = Type.String({ minLength: 1, maxLength: 64 });
const HttpUrl = Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://' });

/** What a feed or an item belongs to: a series, an event or one market, by its ticker. */
export const NewsScope = Type.Object({ kind: ScopeKind, ticker: Ticker }, strict);

export const NewsSentiment = Type.Object({
  /** Sum of the headline's word valences (AFINN-165, -5..+5 each): below 0 is bad news. */
  score: Int,
  /** The score per word, comparable between headlines of different lengths. */
  comparative: Type.Number(),
  label: Type.Union([Type.Literal('positive'), Type.Literal('negative'), Type.Literal('neutral')]),
});

export const NewsItemView = Type.Object({
  itemId: Int,
  scope: NewsScope,
  title: Type.String(),
  link: Type.Union([Type.String(), Type.Null()]),
  summary: Type.Union([Type.String(), Type.Null()]),
  /** The feed's title, or who posted it. */
  source: Type.String(),
  /** Published time (ms since the epoch) when the feed gave one, else when it was received. */
  ts: Int,
  receivedTs: Int,
  sentiment: NewsSentiment,
});

export const NewsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
  strict,
);

export const NewsPage = Type.Object({ items: Type.Array(NewsItemView) });

export const NewsFeedBody = Type.Object({ url: HttpUrl, scope: NewsScope }, strict);

export const NewsFeedView = Type.Object({
  feedId: Int,
  url: Type.String(),
  scope: NewsScope,
  title: Type.Union([Type.String(), Type.Null()]),
  lastPolledTs: NullableInt,
  lastOkTs: NullableInt,
  lastError: Type.Union([Type.String(), Type.Null()]),
  /** Failed polls in a row; the next try waits longer after each. */
  failures: Int,
  nextPollTs: Int,
  createdBy: Type.String(),
  createdTs: Int,
});

export const NewsFeedsResponse = Type.Object({ feeds: Type.Array(NewsFeedView) });

export const NewsFeedRemoved = Type.Object({ feedId: Int, removed: Type.Literal(true) });

export const NewsPostBody = Type.Object(
  {
    scope: NewsScope,
    title: Type.String({ minLength: 1, maxLength: 500 }),
    link: Type.Optional(HttpUrl),
    summary: Type.Optional(Type.String({ maxLength: 2000 })),
    /** Published time (ms since the epoch); default now. */
    ts: Type.Optional(PosInt()),
    /** The item's identity: posting the same id again for the same scope stores nothing new. */
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  strict,
);

export const NewsPostResponse = Type.Object({
  /** False when an item with the same id or link was already stored for the scope. */
  stored: Type.Boolean(),
  item: Type.Union([NewsItemView, Type.Null()]),
});

export type NewsScope = Static<typeof NewsScope>;
export type NewsSentiment = Static<typeof NewsSentiment>;
export type NewsItemView = Static<typeof NewsItemView>;
export type NewsQuery = Static<typeof NewsQuery>;
export type NewsPage = Static<typeof NewsPage>;
export type NewsFeedBody = Static<typeof NewsFeedBody>;
export type NewsFeedView = Static<typeof NewsFeedView>;
export type NewsFeedsResponse = Static<typeof NewsFeedsResponse>;
export type NewsFeedRemoved = Static<typeof NewsFeedRemoved>;
export type NewsPostBody = Static<typeof NewsPostBody>;
export type NewsPostResponse = Static<typeof NewsPostResponse>;
