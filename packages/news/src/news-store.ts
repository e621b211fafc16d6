// Where news lives: the feeds attached to series, events and markets, and their items with sentiment,
// in a database of its own (a file in the data directory, or PostgreSQL). It is not a projection of
// the journal — nothing could rebuild a posted item — so unlike the read models its SQLite file is
// written with fsync (decision 0721); writes are a few per poll, so that costs the journal nothing.

import {
  createNodeSqliteDialect,
  createPostgresDialect,
  type PostgresConnection,
} from '@bourse/projections';
import { Kysely, type Selectable } from 'kysely';
import type { ParsedItem } from './feed-parse.ts';
import {
  migrateNews,
  type NewsDatabase,
  type NewsFeedsTable,
  type NewsItemsTable,
  type ScopeKind,
} from './news-schema.ts';
import { type SentimentLabel, scoreHeadline } from './sentiment.ts';

export type { ScopeKind };

export interface Scope {
  readonly kind: ScopeKind;
  readonly ticker: string;
}

export type NewsDb =
  | {
      readonly kind: 'sqlite';
      readonly path: string;
      /**
       * How long a write waits for another connection's (default 2 s). The gateway's thread keeps
       * the default, since node:sqlite waits synchronously; the poller's own thread can wait long.
       */
      readonly busyTimeoutMs?: number;
    }
  | { readonly kind: 'postgres'; readonly connection: PostgresConnection };

export interface FeedRow {
  readonly feedId: number;
  readonly url: string;
  readonly scope: Scope;
  readonly title: string | null;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly nextPollTs: number;
  readonly lastPolledTs: number | null;
  readonly lastOkTs: number | null;
  readonly lastError: string | null;
  readonly failures: number;
  readonly createdBy: string;
  readonly createdTs: number;
}

export interface NewsItemRow {
  readonly itemId: number;
  readonly scope: Scope;
  readonly feedId: number | null;
  readonly title: string;
  readonly link: string | null;
  readonly summary: string | null;
  readonly source: string;
  readonly ts: number;
  readonly receivedTs: number;
  readonly sentiment: { score: number; comparative: number; label: SentimentLabel };
}

/** What one poll of a feed came to, as the poller records it. */
export type PollOutcome =
  | {
      readonly ok: true;
      readonly etag: string | null;
      readonly lastModified: string | null;
      readonly title?: string | null;
    }
  | { readonly ok: false; readonly error: string };

/** Most items one listing returns. */
export const MAX_NEWS_LIMIT = 200;

export class NewsStore {
  readonly #db: Kysely<NewsDatabase>;

  private constructor(db: Kysely<NewsDatabase>) {
    this.#db = db;
  }

  static async open(where: NewsDb): Promise<NewsStore> {
    const dialect =
      where.kind === 'sqlite'
        ? createNodeSqliteDialect(where.path, {
            durable: true,
            ...(where.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: where.busyTimeoutMs }),
          })
        : createPostgresDialect(where.connection);
    const db = new Kysely<NewsDatabase>({ dialect });
    try {
      await migrateNews(db, where.kind);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new NewsStore(db);
  }

  close(): Promise<void> {
    return this.#db.destroy();
  }

  async addFeed(url: string, scope: Scope, by: string, now: number): Promise<FeedRow> {
    const row = {
      url,
      scope_kind: scope.kind,
      scope_ticker: scope.ticker,
      title: null,
      etag: null,
      last_modified: null,
      next_poll_ts: now,
      last_polled_ts: null,
      last_ok_ts: null,
      last_error: null,
      failures: 0,
      created_by: by,
      created_ts: now,
    };
    const r = await this.#db
      .insertInto('news_feeds')
      .values(row)
      .returning('feed_id')
      .executeTakeFirstOrThrow();
    return toFeed({ ...row, feed_id: r.feed_id });
  }

  /** Removes a feed (its items stay: they were news when they came); false when there was none. */
  async removeFeed(feedId: number): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('news_feeds')
      .where('feed_id', '=', feedId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async feeds(): Promise<FeedRow[]> {
    const rows = await this.#db.selectFrom('news_feeds').selectAll().orderBy('feed_id').execute();
    return rows.map(toFeed);
  }

  async feed(feedId: number): Promise<FeedRow | undefined> {
    const r = await this.#db
      .selectFrom('news_feeds')
      .selectAll()
      .where('feed_id', '=', feedId)
      .executeTakeFirst();
    return r === undefined ? undefined : toFeed(r);
  }

  /** Feeds whose next poll is due at `now`, the longest waiting first. */
  async dueFeeds(now: number): Promise<FeedRow[]> {
    const rows = await this.#db
      .selectFrom('news_feeds')
      .selectAll()
      .where('next_poll_ts', '<=', now)
      .orderBy('next_poll_ts')
      .orderBy('feed_id')
      .execute();
    return rows.map(toFeed);
  }

  /** Records a poll: validators and title on success, the error and one more failure otherwise. */
  async recordPoll(feedId: number, outcome: PollOutcome, now: number, nextPollTs: number) {
    const base = { last_polled_ts: now, next_poll_ts: nextPollTs };
    const q = this.#db.updateTable('news_feeds').where('feed_id', '=', feedId);
    if (outcome.ok) {
      const title =
        outcome.title === undefined || outcome.title === null ? {} : { title: outcome.title };
      await q
        .set({
          ...base,
          ...title,
          etag: outcome.etag,
          last_modified: outcome.lastModified,
          last_ok_ts: now,
          last_error: null,
          failures: 0,
        })
        .execute();
    } else {
      await q
        .set((eb) => ({ ...base, last_error: outcome.error, failures: eb('failures', '+', 1) }))
        .execute();
    }
  }

  /**
   * Scores and stores the items not seen before in `scope` (same key, or same link), in one
   * transaction; answers the stored ones.
   */
  async addItems(
    scope: Scope,
    items: readonly ParsedItem[],
    from: { feedId: number | null; source: string },
    now: number,
  ): Promise<NewsItemRow[]> {
    return this.#db.transaction().execute(async (trx) => {
      const stored: NewsItemRow[] = [];
      const seen = new Set<string>();
      for (const item of items) {
        if (seen.has(item.key) || (item.link !== null && seen.has(item.link))) continue;
        seen.add(item.key);
        if (item.link !== null) seen.add(item.link);
        const known = await trx
          .selectFrom('news_items')
          .select('item_id')
          .where('scope_kind', '=', scope.kind)
          .where('scope_ticker', '=', scope.ticker)
          .where((eb) =>
            item.link === null
              ? eb('item_key', '=', item.key)
              : eb.or([eb('item_key', '=', item.key), eb('link', '=', item.link)]),
          )
          .executeTakeFirst();
        if (known !== undefined) continue;
        const s = scoreHeadline(item.title);
        const row = {
          scope_kind: scope.kind,
          scope_ticker: scope.ticker,
          feed_id: from.feedId,
          item_key: item.key,
          title: item.title,
          link: item.link,
          summary: item.summary,
          source: from.source,
          // A date in the future (a clock gone wrong at the source) would keep an item on top for ever.
          ts: Math.min(item.publishedTs ?? now, now),
          received_ts: now,
          score: s.score,
          comparative_milli: Math.round(s.comparative * 1000),
          label: s.label,
        };
        // Another writer may have stored the same story since the check: the unique key keeps one.
        const r = await trx
          .insertInto('news_items')
          .values(row)
          .onConflict((oc) => oc.columns(['scope_kind', 'scope_ticker', 'item_key']).doNothing())
          .returning('item_id')
          .executeTakeFirst();
        if (r !== undefined) stored.push(toItem({ ...row, item_id: r.item_id }));
      }
      return stored;
    });
  }

  /** The newest items of any of `scopes` (a market's own, its event's and its series'), newest first. */
  async items(scopes: readonly Scope[], limit: number): Promise<NewsItemRow[]> {
    if (scopes.length === 0) return [];
    const rows = await this.#db
      .selectFrom('news_items')
      .selectAll()
      .where((eb) =>
        eb.or(
          scopes.map((s) =>
            eb.and([eb('scope_kind', '=', s.kind), eb('scope_ticker', '=', s.ticker)]),
          ),
        ),
      )
      .orderBy('ts', 'desc')
      .orderBy('item_id', 'desc')
      .limit(Math.max(1, Math.min(MAX_NEWS_LIMIT, Math.floor(limit))))
      .execute();
    return rows.map(toItem);
  }
}

function toFeed(r: Selectable<NewsFeedsTable>): FeedRow {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    feedId: Number(r.feed_id),
    url: r.url,
    scope: { kind: r.scope_kind, ticker: r.scope_ticker },
    title: r.title,
    etag: r.etag,
    lastModified: r.last_modified,
    nextPollTs: Number(r.next_poll_ts),
    lastPolledTs: n(r.last_polled_ts),
    lastOkTs: n(r.last_ok_ts),
    lastError: r.last_error,
    failures: Number(r.failures),
    createdBy: r.created_by,
    createdTs: Number(r.created_ts),
  };
}

function toItem(r: Selectable<NewsItemsTable>): NewsItemRow {
  return {
    itemId: Number(r.item_id),
    scope: { kind: r.scope_kind, ticker: r.scope_ticker },
    feedId: r.feed_id === null ? null : Number(r.feed_id),
    title: r.title,
    link: r.link,
    summary: r.summary,
    source: r.source,
    ts: Number(r.ts),
    receivedTs: Number(r.received_ts),
    sentiment: {
      score: Number(r.score),
      comparative: Number(r.comparative_milli) / 1000,
      label: r.label as SentimentLabel,
    },
  };
}
