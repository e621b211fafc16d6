// Opens the read models on SQLite through `node:sqlite`: a file path for the embedded deployment, or
// `:memory:` for tests. Migrations run on open, so a fresh file is ready and an older one is upgraded.

import { Kysely } from 'kysely';
import { KyselyReadModels } from './kysely-read-models.ts';
import { migrateToLatest } from './migrations.ts';
import { createNodeSqliteDialect } from './node-sqlite-dialect.ts';
import type { ReadModels } from './read-models.ts';
import type { Database } from './schema.ts';

export interface SqliteReadModelsOptions {
  /** The engine's fee account (default 0, as the engine's default config). */
  readonly feeAccountId?: number;
}

export async function openSqliteReadModels(
  path: string,
  options: SqliteReadModelsOptions = {},
): Promise<ReadModels> {
  const db = new Kysely<Database>({ dialect: createNodeSqliteDialect(path) });
  try {
    await migrateToLatest(db, 'sqlite');
    return await KyselyReadModels.open(db, {
      feeAccountId: options.feeAccountId ?? 0,
      serializeReads: true,
    });
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
