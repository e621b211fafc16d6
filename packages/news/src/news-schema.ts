// The news tables: the feeds operators attached (with what the last poll learnt: validators for a
// conditional GET, failures and when to try again) and the stored items with their sentiment. The
// migrations use only Kysely's schema builder and portable types, so they run on SQLite and PostgreSQL.

import type { Generated, Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';

/** What a feed or an item is attached to: a series, an event or one market, by its ticker. */
export type ScopeKind = 'series' | 'event' | 'market';

export interface NewsFeedsTable {
  feed_id: Generated<number>;
  url: string;
  scope_kind: ScopeKind;
  scope_ticker: string;
  title: string | null;
  etag: string | null;
  last_modified: string | null;
  next_poll_ts: number;
  last_polled_ts: number | null;
  last_ok_ts: number | null;
  last_error: string | null;
  failures: number;
  created_by: string;
  created_ts: number;
}

export interface NewsItemsTable {
  item_id: Generated<number>;
  scope_kind: ScopeKind;
  scope_ticker: string;
  /** The feed it came from; null for an item posted through the API. */
  feed_id: number | null;
  item_key: string;
  title: string;
  link: string | null;
  summary: string | null;
  source: string;
  /** Published time when the feed gives one, else when it was received: the order items are shown in. */
  ts: number;
  received_ts: number;
  score: number;
  comparative_milli: number;
  label: string;
}

export interface NewsDatabase {
  news_feeds: NewsFeedsTable;
  news_items: NewsItemsTable;
}

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type.
type AnyDb = Kysely<any>;

/**
 * Ids come from the database, so two writers (the poller's thread and an admin posting an item) never
 * pick the same one: SQLite's `integer primary key` is the rowid, PostgreSQL's `bigserial` a sequence.
 */
const initial = (backend: 'sqlite' | 'postgres'): Migration => ({
  async up(db: AnyDb): Promise<void> {
    const id = backend === 'sqlite' ? 'integer' : 'bigserial';
    await db.schema
      .createTable('news_feeds')
      .addColumn('feed_id', id, (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('scope_kind', 'text', (c) => c.notNull())
      .addColumn('scope_ticker', 'text', (c) => c.notNull())
      .addColumn('title', 'text')
      .addColumn('etag', 'text')
      .addColumn('last_modified', 'text')
      .addColumn('next_poll_ts', 'bigint', (c) => c.notNull())
      .addColumn('last_polled_ts', 'bigint')
      .addColumn('last_ok_ts', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('failures', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_ts', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('news_items')
      .addColumn('item_id', id, (c) => c.primaryKey())
      .addColumn('scope_kind', 'text', (c) => c.notNull())
      .addColumn('scope_ticker', 'text', (c) => c.notNull())
      .addColumn('feed_id', 'bigint')
      .addColumn('item_key', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('link', 'text')
      .addColumn('summary', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addColumn('received_ts', 'bigint', (c) => c.notNull())
      .addColumn('score', 'bigint', (c) => c.notNull())
      .addColumn('comparative_milli', 'bigint', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .execute();
    // One story per scope: the same guid (or link, below) seen again is the same item.
    await db.schema
      .createIndex('news_items_by_key')
      .unique()
      .on('news_items')
      .columns(['scope_kind', 'scope_ticker', 'item_key'])
      .execute();
    await db.schema
      .createIndex('news_items_by_link')
      .on('news_items')
      .columns(['scope_kind', 'scope_ticker', 'link'])
      .execute();
    await db.schema
      .createIndex('news_items_by_ts')
      .on('news_items')
      .columns(['scope_kind', 'scope_ticker', 'ts', 'item_id'])
      .execute();
  },
});

/** Brings the news tables up to date; a released migration is never edited, a change is a new one. */
export async function migrateNews(db: AnyDb, backend: 'sqlite' | 'postgres'): Promise<void> {
  const migrations = { '0001_news': initial(backend) };
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'news_migrations',
    migrationLockTableName: 'news_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`news migration ${failed} failed`, { cause: error });
  }
}
