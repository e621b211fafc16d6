// Opens the read models on PostgreSQL: the same migrations (with PostgreSQL's storage hints), queries and
// write path as SQLite, through a `pg` pool. Reads are not queued behind applies: each runs on its own
// pooled connection and sees only committed batches, because a batch is one transaction.

import { Kysely, sql } from 'kysely';
import type { ColumnTypes } from './bulk-writer.ts';
import { KyselyReadModels } from './kysely-read-models.ts';
import { migrateToLatest } from './migrations.ts';
import {
  createPostgresDialect,
  type PostgresConnection,
  type PostgresDialectOptions,
} from './postgres-dialect.ts';
import type { ReadModels } from './read-models.ts';
import type { Database } from './schema.ts';

export interface PostgresReadModelsOptions extends PostgresDialectOptions {
  /** The engine's fee account (default 0, as the engine's default config). */
  readonly feeAccountId?: number;
  /** Another process writes (see `KyselyReadModelsOptions.readOnly`). */
  readonly readOnly?: boolean;
}

/**
 * Connects, brings the schema up to date and loads the projection state. The database must exist;
 * the tables are created in the connection's default schema (its `search_path`).
 */
export async function openPostgresReadModels(
  connection: PostgresConnection,
  options: PostgresReadModelsOptions = {},
): Promise<ReadModels> {
  const { feeAccountId, readOnly, ...dialectOptions } = options;
  const db = new Kysely<Database>({ dialect: createPostgresDialect(connection, dialectOptions) });
  try {
    await migrateToLatest(db, 'postgres');
    return await KyselyReadModels.open(db, {
      feeAccountId: feeAccountId ?? 0,
      serializeReads: false,
      columnTypes: await columnTypes(db),
      readOnly: readOnly === true,
    });
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/** The SQL type of every column of the tables in the connection's schema, by `table.column`. */
export async function columnTypes(db: Kysely<Database>): Promise<ColumnTypes> {
  const { rows } = await sql<{ table_name: string; column_name: string; type: string }>`
    select c.relname as table_name, a.attname as column_name,
           format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r'
      and a.attnum > 0 and not a.attisdropped`.execute(db);
  return new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r.type]));
}
